using static Etl.Entities.FieldKind;

namespace Etl.Entities.Items;

/// <summary>The catalog: one row per SKU.</summary>
public static class ItemsEntity
{
    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("items", 1,
    [
        new("sku", Code, IsKey: true),
        new("description", Text),
        new("uom", Code),
        new("product_class", Code),
        new("weight_kg", Number),
        new("active", Flag),
    ], s => new ItemsValidator(s));
}

/// <summary>A weight is not negative.</summary>
public sealed class ItemsValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public ItemsValidator(EntitySchema schema) : base(schema) => NotNegative("weight_kg");
}
