using static Etl.Entities.FieldKind;

namespace Etl.Entities.Discounts;

/// <summary>Discount percentages per discount group and product class.</summary>
public static class DiscountsEntity
{
    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("discounts", 4,
    [
        new("discount_group", Code, IsKey: true),
        new("product_class", Code, IsKey: true),
        new("discount_pct", Number),
        new("valid_from", Date),
        new("valid_to", Date, IsOptional: true),
    ], s => new DiscountsValidator(s));
}

/// <summary>A percentage in 0–100 over a valid period.</summary>
public sealed class DiscountsValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public DiscountsValidator(EntitySchema schema) : base(schema)
    {
        Check<decimal>("discount_pct", v => v is >= 0 and <= 100, "percentage", "discount_pct must be between 0 and 100.");
        Period("valid_from", "valid_to");
    }
}
