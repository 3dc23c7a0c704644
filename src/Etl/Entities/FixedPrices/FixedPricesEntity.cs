using static Etl.Entities.FieldKind;

namespace Etl.Entities.FixedPrices;

/// <summary>Customer-specific fixed prices.</summary>
public static class FixedPricesEntity
{
    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("fixed_prices", 5,
    [
        new("customer_no", Code, IsKey: true),
        new("sku", Code, IsKey: true),
        new("currency", Code, IsKey: true),
        new("fixed_price", Number),
        new("valid_from", Date),
        new("valid_to", Date, IsOptional: true),
    ], s => new FixedPricesValidator(s));
}

/// <summary>A fixed price is above zero, in a valid currency, over a valid period.</summary>
public sealed class FixedPricesValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public FixedPricesValidator(EntitySchema schema) : base(schema)
    {
        Currency("currency");
        Positive("fixed_price");
        Period("valid_from", "valid_to");
    }
}
