namespace Etl.State;

/// <summary>One change to the order ledger; <see cref="OrderLedger.Apply"/> writes a list of them in one transaction.</summary>
public abstract record OrderLedgerChange(string PortalOrderId);

/// <summary>A decision about an order, for the trail.</summary>
public sealed record TrailEntry(string RunId, string PortalOrderId, string Decision, string? Detail, DateTimeOffset At) : OrderLedgerChange(PortalOrderId);

/// <summary>Holds an order for review (or updates why it is held).</summary>
public sealed record ReviewHold(string PortalOrderId, string Reason, string Detail, string? ErpOrderNo, string RunId, DateTimeOffset At) : OrderLedgerChange(PortalOrderId);

/// <summary>Releases an order from review.</summary>
public sealed record ReviewRelease(string PortalOrderId) : OrderLedgerChange(PortalOrderId);

/// <summary>Parks a back-update that failed, for later runs.</summary>
public sealed record BackUpdateParked(string PortalOrderId, string ErpOrderNo, string Error, DateTimeOffset At) : OrderLedgerChange(PortalOrderId);

/// <summary>Removes a parked back-update that went through or is no longer needed.</summary>
public sealed record BackUpdateCleared(string PortalOrderId) : OrderLedgerChange(PortalOrderId);
