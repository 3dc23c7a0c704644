using System.Text.Json.Serialization;

namespace Etl.Inbound;

/// <summary>An order as the portal API returns it (CONTRACTS.md section 4); times are portal-local.</summary>
public sealed record PortalOrder
{
    /// <summary>The portal's order id.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }
    /// <summary>The portal account that placed it.</summary>
    [JsonPropertyName("account_id")] public string? AccountId { get; init; }
    /// <summary>The customer's purchase order number.</summary>
    [JsonPropertyName("customer_po")] public string? CustomerPo { get; init; }
    /// <summary>NEW, ACKNOWLEDGED, ... or a status this client does not know.</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }
    /// <summary>The ERP order number, once the portal knows it.</summary>
    [JsonPropertyName("erp_order_no")] public string? ErpOrderNo { get; init; }
    /// <summary>The order's currency.</summary>
    [JsonPropertyName("currency")] public string? Currency { get; init; }
    /// <summary>When it was placed, portal-local yyyy-MM-ddTHH:mm:ss.</summary>
    [JsonPropertyName("created_at")] public string? CreatedAt { get; init; }
    /// <summary>When it last changed, portal-local.</summary>
    [JsonPropertyName("updated_at")] public string? UpdatedAt { get; init; }
    /// <summary>The order lines.</summary>
    [JsonPropertyName("lines")] public IReadOnlyList<PortalOrderLine>? Lines { get; init; }
}

/// <summary>One line of a portal order.</summary>
public sealed record PortalOrderLine
{
    /// <summary>The line number.</summary>
    [JsonPropertyName("line_no")] public int LineNo { get; init; }
    /// <summary>The SKU.</summary>
    [JsonPropertyName("sku")] public string? Sku { get; init; }
    /// <summary>The quantity.</summary>
    [JsonPropertyName("qty")] public decimal Qty { get; init; }
    /// <summary>The unit price.</summary>
    [JsonPropertyName("unit_price")] public decimal UnitPrice { get; init; }
}

/// <summary>A page of the order list.</summary>
public sealed record PortalOrderPage
{
    /// <summary>The orders of this page.</summary>
    [JsonPropertyName("orders")] public IReadOnlyList<PortalOrder> Orders { get; init; } = [];
    /// <summary>Where the next page starts, or null.</summary>
    [JsonPropertyName("next_cursor")] public string? NextCursor { get; init; }
}
