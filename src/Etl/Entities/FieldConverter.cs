using System.Globalization;

namespace Etl.Entities;

/// <summary>Converts field texts to typed values by the contract's rules (invariant culture, yyyy-MM-dd, ...).</summary>
public static class FieldConverter
{
    /// <summary>The first number a DECIMAL(18,4) cannot hold.</summary>
    public const decimal MaxNumber = 100_000_000_000_000m;

    private const NumberStyles NumberStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    /// <summary>Trims a field where its kind says so and turns an empty value into null.</summary>
    public static string? Clean(FieldSpec field, string? text)
    {
        if (text is null) return null;
        var value = field.IsTrimmed ? text.Trim() : text;
        return value.Length == 0 || (!field.IsTrimmed && string.IsNullOrWhiteSpace(value)) ? null : value;
    }

    /// <summary>Converts a cleaned text; returns false with an expectation message when it does not convert.</summary>
    public static bool TryConvert(FieldSpec field, string? text, out object? value, out string expected)
    {
        value = null;
        expected = "";
        if (text is null) return true;
        switch (field.Kind)
        {
            case FieldKind.Code:
            case FieldKind.Text:
                value = text;
                return true;
            case FieldKind.Integer:
                expected = "a whole number such as 12 (no thousands separators or exponents)";
                if (decimal.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var whole)
                    && whole == decimal.Truncate(whole) && whole is >= long.MinValue and <= long.MaxValue)
                {
                    value = (long)whole;
                    return true;
                }
                return false;
            case FieldKind.Number:
                expected = "a number such as 12.50 with '.' as decimal point, at most 14 digits before it (no thousands separators or exponents)";
                if (decimal.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var number) && Math.Abs(number) < MaxNumber)
                {
                    value = Normalize(number);
                    return true;
                }
                return false;
            case FieldKind.Date:
                expected = "a date written yyyy-MM-dd";
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    value = date;
                    return true;
                }
                return false;
            case FieldKind.Flag:
                expected = "true, false, 1, 0, Y or N";
                if (TryParseBoolean(text, out var flag))
                {
                    value = flag;
                    return true;
                }
                return false;
            default:
                throw new InvalidOperationException($"Unknown field kind {field.Kind}.");
        }
    }

    /// <summary>A decimal without trailing zeros, so that 12.50 and 12.5 are written alike.</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>The canonical text of a typed value: how the diff compares and the baseline stores it.</summary>
    public static string Canonical(object? value) => value switch
    {
        null => "",
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        decimal number => Normalize(number).ToString(CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        _ => throw new InvalidOperationException($"Unexpected value type {value.GetType()}."),
    };

    private static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.ToUpperInvariant())
        {
            case "TRUE" or "1" or "Y":
                value = true;
                return true;
            case "FALSE" or "0" or "N":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
