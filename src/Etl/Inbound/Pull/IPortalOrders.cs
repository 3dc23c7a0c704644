using Etl.Inbound.Window;

namespace Etl.Inbound.Pull;

/// <summary>The portal's order calls the import uses (retries, limits and locks are handled behind it).</summary>
public interface IPortalOrders
{
    /// <summary>One page of orders updated within the window, after the cursor; throws when the page fails for good.</summary>
    Task<PortalOrderPage> ListAsync(PullWindow window, string? cursor, int limit, CancellationToken cancellationToken);

    /// <summary>Tells the portal the ERP order number of an order.</summary>
    Task<BackUpdateOutcome> SetErpReferenceAsync(string portalOrderId, string erpOrderNo, CancellationToken cancellationToken);
}

/// <summary>How a back-update ended: done, a conflict (another number is set), or a failure worth retrying later.</summary>
public sealed record BackUpdateOutcome(bool Done, bool Conflict, string? Problem)
{
    /// <summary>The portal took the number (or already had it).</summary>
    public static readonly BackUpdateOutcome Ok = new(true, false, null);
}

/// <summary>A page of the pull that failed for good: the window is not complete and the checkpoint stays.</summary>
public sealed class PullFailedException(string message, Exception? inner = null) : Exception(message, inner);
