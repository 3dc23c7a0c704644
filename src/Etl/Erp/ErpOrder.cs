namespace Etl.Erp;

/// <summary>A sales order of the ERP with its lines.</summary>
public sealed record ErpOrder(string ErpOrderNo, string? CustomerNo, string? CustomerPo, string? PortalOrderId, string? Status, IReadOnlyList<ErpOrderLine> Lines);

/// <summary>A line of an ERP sales order.</summary>
public sealed record ErpOrderLine(int LineNo, string Sku, long Qty, decimal UnitPrice);

/// <summary>An ERP customer as the order import sees it.</summary>
public sealed record ErpCustomer(string CustomerNo, string PortalAccountId, bool Approved);

/// <summary>A new ERP order the import creates: header and lines, reference included.</summary>
public sealed record NewErpOrder(string PortalOrderId, string CustomerNo, string? CustomerPo, string Currency, DateOnly OrderDate, decimal Total, IReadOnlyList<ErpOrderLine> Lines);
