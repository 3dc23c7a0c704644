using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;

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

    private readonly List<FieldRule> _checks = [];

    /// <summary>Adds the shared rules of the schema's fields.</summary>
    protected EntityValidator(EntitySchema schema)
    {
        Schema = schema;
        for (var i = 0; i < schema.Fields.Count; i++)
        {
            var index = i;
            var field = schema.Fields[i];
            if (!field.IsOptional) _checks.Add(new(field.Name, "required", $"{field.Name} is required.", r => r.Raw[index] is not null));
            if (field.Kind is FieldKind.Code or FieldKind.Text)
            {
                var max = field.Kind == FieldKind.Code ? MaxCodeLength : MaxTextLength;
                _checks.Add(new(field.Name, "max_length", $"{field.Name} is longer than {max} characters.", r => r.Text(index) is not { } v || v.Length <= max));
            }
            if (field.Kind == FieldKind.Number)
            {
                _checks.Add(new(field.Name, "decimals", $"{field.Name} has more than {MaxDecimals} decimals.", r => r.Get<decimal>(index) is not { } v || v.Scale <= MaxDecimals));
            }
        }
        RuleFor(r => r).Custom(CheckAll);
    }

    /// <summary>The entity this validator checks.</summary>
    protected EntitySchema Schema { get; }

    /// <summary>A rule on one typed field; empty values pass (required-ness is checked apart).</summary>
    protected void Check<T>(string field, Func<T, bool> isValid, string rule, string message) where T : struct
    {
        var index = Schema.IndexOf(field);
        _checks.Add(new(field, rule, message, r => r.Get<T>(index) is not { } v || isValid(v)));
    }

    /// <summary>A rule on one text field; empty values pass.</summary>
    protected void CheckText(string field, Func<string, bool> isValid, string rule, string message)
    {
        var index = Schema.IndexOf(field);
        _checks.Add(new(field, rule, message, r => r.Text(index) is not { } v || isValid(v)));
    }

    /// <summary>A rule across fields of the row, reported against <paramref name="field"/>.</summary>
    protected void CheckRow(string field, Func<Row, bool> isValid, string rule, string message) => _checks.Add(new(field, rule, message, isValid));

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

    /// <summary>
    /// Runs every check in the order they were added, as one FluentValidation rule: a rule per check cost several
    /// microseconds a row in FluentValidation's per-rule machinery, which the diff pays for every change candidate.
    /// </summary>
    private void CheckAll(Row row, ValidationContext<Row> context)
    {
        foreach (var check in _checks)
        {
            if (!check.IsValid(row)) context.AddFailure(new ValidationFailure(check.Field, check.Message) { ErrorCode = check.Rule });
        }
    }

    /// <summary>One rule on a row: the field it is reported against, its name in steward reports, its message.</summary>
    private sealed record FieldRule(string Field, string Rule, string Message, Func<Row, bool> IsValid);

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
