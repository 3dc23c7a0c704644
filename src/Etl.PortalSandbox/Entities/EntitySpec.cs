namespace Etl.PortalSandbox.Entities;

/// <summary>An outbound entity the portal imports, with its key fields (CONTRACTS.md section 2).</summary>
internal sealed record EntitySpec(string Name, IReadOnlyList<string> KeyFields)
{
    public static IReadOnlyDictionary<string, EntitySpec> All { get; } = new[]
    {
        new EntitySpec("inventory", ["sku", "warehouse"]),
        new EntitySpec("list_prices", ["sku", "price_list", "currency"]),
        new EntitySpec("costs", ["sku", "currency"]),
        new EntitySpec("discounts", ["discount_group", "product_class"]),
        new EntitySpec("fixed_prices", ["customer_no", "sku", "currency"]),
        new EntitySpec("items", ["sku"]),
        new EntitySpec("customers", ["customer_no"]),
        new EntitySpec("order_status", ["erp_order_no"]),
    }.ToDictionary(e => e.Name, StringComparer.Ordinal);
}
