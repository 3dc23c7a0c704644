using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace Etl.Configuration;

/// <summary>
/// The validation attributes of the settings checked directly, without DataAnnotations' <see cref="Validator"/>:
/// its metadata (TypeDescriptor, type converters) costs every command some 30 ms of start-up. Only the usual
/// attributes are known here (Required, RegularExpression, Range over the setting's own type); when this check does
/// not pass a value, <see cref="Validator"/> decides and words the message, so a value is never let through that
/// DataAnnotations would refuse.
/// </summary>
internal static class QuickValidation
{
    /// <summary>Whether every validation attribute of <paramref name="property"/> surely accepts <paramref name="value"/>.</summary>
    public static bool Passes(PropertyInfo property, object value, Func<Type, string, object?> parse)
    {
        foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
        {
            var passes = attribute switch
            {
                RequiredAttribute or RegularExpressionAttribute => attribute.IsValid(value),
                RangeAttribute { MinimumIsExclusive: false, MaximumIsExclusive: false } range =>
                    value is IComparable comparable
                    && Limit(property.PropertyType, range.Minimum, parse) is { } minimum && comparable.CompareTo(minimum) >= 0
                    && Limit(property.PropertyType, range.Maximum, parse) is { } maximum && comparable.CompareTo(maximum) <= 0,
                _ => false,
            };
            if (!passes) return false;
        }
        return true;
    }

    /// <summary>A range limit as a value of the setting's type (written as text for types such as TimeSpan), else null.</summary>
    private static object? Limit(Type type, object limit, Func<Type, string, object?> parse) => limit switch
    {
        string text => parse(type, text),
        _ when limit.GetType() == type => limit,
        _ => null,
    };
}
