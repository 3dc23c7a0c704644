namespace Etl.Erp;

/// <summary>One write of the order import; a page's writes share one transaction (<see cref="ErpGateway.WriteAsync"/>).</summary>
public abstract record ErpWrite(string PortalOrderId);

/// <summary>Write the portal reference into an ERP order that has none.</summary>
public sealed record ErpLink(string ErpOrderNo, string PortalOrderId) : ErpWrite(PortalOrderId);

/// <summary>Create an ERP order, header and lines, reference included, unless an order carries the reference already.</summary>
public sealed record ErpCreate(NewErpOrder Order) : ErpWrite(Order.PortalOrderId);

/// <summary>
/// What became of one write, once its transaction committed: <see cref="Done"/> with the ERP order now carrying the
/// reference (<see cref="Created"/> when this write created it); not done with a <see cref="Failure"/> when its own
/// transaction failed; not done without one when a link found the ERP order taken by another reference.
/// </summary>
public sealed record ErpWriteResult(bool Done, string? ErpOrderNo, bool Created, string? Failure)
{
    /// <summary>A write whose transaction failed: nothing of it is in the ERP.</summary>
    public static ErpWriteResult Failed(string problem) => new(false, null, false, problem);
}
