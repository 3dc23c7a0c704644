namespace Etl.Inbound.BackUpdate;

/// <summary>Tell the portal the ERP number of an order (PUT .../erp-reference); sent once the ERP write is durable.</summary>
internal sealed record BackUpdateRequest(string PortalOrderId, string ErpOrderNo);
