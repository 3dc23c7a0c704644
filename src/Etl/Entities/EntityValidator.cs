using System.Text.RegularExpressions;
using FluentValidation;

namespace Etl.Entities;

/// <summary>
/// The rules every entity shares (required fields, lengths, decimals), plus helpers for an entity's own rules.
/// A failure's property name is the column, its error code the rule's name in steward reports.
/// </summary>
public abstract partial class EntityValidator : AbstractValidator<Row>
{
    /// <summary>The longest key or code.</summary>
    public const int MaxCodeLength = 40;

    /// <summary>The longest free text.</summary>
    public const int MaxTextLength = 200;

    /// <summary>The most decimals a DECIMAL(18,4) holds.</summary>
    public const int MaxDecimals = 4;

    /// <summary>Adds the shared rules of the schema's fields.</summary>
    protected EntityValidator(EntitySchema schema)
    {
        Schema = schema;
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            var index = i;
            var field = schema.Fields[i];
            if (!field.IsOptional)
            {
                RuleFor(r => r.Raw[index]).NotNull().WithErrorCode("required")
                    .WithMessage($"{field.Name} is required.").OverridePropertyName(field.Name);
            }
            if (field.Kind is FieldKind.Code or FieldKind.Text)
            {
                var max = field.Kind == FieldKind.Code ? MaxCodeLength : MaxTextLength;
                RuleFor(r => r.Text(index)).Must(v => v is null || v.Length <= max).WithErrorCode("max_length")
                    .WithMessage($"{field.Name} is longer than {max} characters.").OverridePropertyName(field.Name);
            }
            if (field.Kind == FieldKind.Number)
            {
                RuleFor(r => r.Get<decimal>(index)).Must(v => v is null || v.Value.Scale <= MaxDecimals).WithErrorCode("decimals")
                    .WithMessage($"{field.Name} has more than {MaxDecimals} decimals.").OverridePropertyName(field.Name);
            }
        }
    }

    /// <summary>The entity this validator checks.</summary>
    protected EntitySchema Schema { get; }

    /// <summary>A rule on one typed field; empty values pass (required-ness is checked apart).</summary>
    protected void Check<T>(string field, Func<T, bool> isValid, string rule, string message) where T : struct
    {
        var index = Schema.IndexOf(field);
        RuleFor(r => r.Get<T>(index)).Must(v => v is null || isValid(v.Value))
            .WithErrorCode(rule).WithMessage(message).OverridePropertyName(field);
    }

    /// <summary>A rule on one text field; empty values pass.</summary>
    protected void CheckText(string field, Func<string, bool> isValid, string rule, string message)
    {
        var index = Schema.IndexOf(field);
        RuleFor(r => r.Text(index)).Must(v => v is null || isValid(v))
            .WithErrorCode(rule).WithMessage(message).OverridePropertyName(field);
    }

    /// <summary>A rule across fields of the row, reported against <paramref name="field"/>.</summary>
    protected void CheckRow(string field, Func<Row, bool> isValid, string rule, string message) =>
        RuleFor(r => r).Must(isValid).WithErrorCode(rule).WithMessage(message).OverridePropertyName(field);

    /// <summary>Quantities: whole numbers of at least zero.</summary>
    protected void NotNegativeQuantity(string field) =>
        Check<long>(field, v => v >= 0, "not_negative", $"{field} must be 0 or more.");

    /// <summary>Amounts that must be above zero.</summary>
    protected void Positive(string field) =>
        Check<decimal>(field, v => v > 0, "positive", $"{field} must be greater than 0.");

    /// <summary>Amounts of at least zero.</summary>
    protected void NotNegative(string field) =>
        Check<decimal>(field, v => v >= 0, "not_negative", $"{field} must be 0 or more.");

    /// <summary>Currency codes: three upper-case letters.</summary>
    protected void Currency(string field) =>
        CheckText(field, v => CurrencyCode().IsMatch(v), "currency", $"{field} must be three upper-case letters (ISO 4217, e.g. EUR).");

    /// <summary>A validity period: the end, when given, not before the start.</summary>
    protected void Period(string from, string to)
    {
        int fromIndex = Schema.IndexOf(from), toIndex = Schema.IndexOf(to);
        CheckRow(to, r => r.Get<DateOnly>(toIndex) is not { } end || r.Get<DateOnly>(fromIndex) is not { } start || end >= start,
            "period", $"{to} must not be before {from}.");
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
