using static Etl.Entities.FieldKind;

namespace Etl.Entities.Inventory;

/// <summary>Stock per SKU and warehouse; the portal shows qty_available.</summary>
public static class InventoryEntity
{
    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("inventory", 6,
    [
        new("sku", Code, IsKey: true),
        new("warehouse", Code, IsKey: true),
        new("qty_available", Integer),
        new("qty_on_hand", Integer, IsPortal: false),
        new("qty_allocated", Integer, IsPortal: false),
    ], s => new InventoryValidator(s));
}

/// <summary>Quantities are whole, not negative, and available = on hand - allocated.</summary>
public sealed class InventoryValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public InventoryValidator(EntitySchema schema) : base(schema)
    {
        NotNegativeQuantity("qty_available");
        NotNegativeQuantity("qty_on_hand");
        NotNegativeQuantity("qty_allocated");
        int available = schema.IndexOf("qty_available"), onHand = schema.IndexOf("qty_on_hand"), allocated = schema.IndexOf("qty_allocated");
        CheckRow("qty_available",
            r => r.Get<long>(available) is not { } a || r.Get<long>(onHand) is not { } h || r.Get<long>(allocated) is not { } l || a == h - l,
            "qty_balance", "qty_available must equal qty_on_hand - qty_allocated.");
    }
}
