using static Etl.Entities.FieldKind;

namespace Etl.Entities.Costs;

/// <summary>Unit costs per SKU and currency.</summary>
public static class CostsEntity
{
    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("costs", 3,
    [
        new("sku", Code, IsKey: true),
        new("currency", Code, IsKey: true),
        new("unit_cost", Number),
    ], s => new CostsValidator(s));
}

/// <summary>A cost is not negative, in a valid currency.</summary>
public sealed class CostsValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public CostsValidator(EntitySchema schema) : base(schema)
    {
        Currency("currency");
        NotNegative("unit_cost");
    }
}
