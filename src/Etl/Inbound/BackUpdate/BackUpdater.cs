using Etl.Inbound.Pull;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Inbound.BackUpdate;

/// <summary>
/// The back-updates: each one a call through the shared portal client (its rate limiter, retries and breaker), up to
/// <see cref="Concurrency"/> at a time. Done → the portal knows the number; 409 → review; any other failure → parked
/// in the ledger for later runs, whatever their window.
/// </summary>
internal sealed class BackUpdater(IPortalOrders portal, ImportRun run)
{
    /// <summary>Back-updates in flight at once.</summary>
    public const int Concurrency = 8;

    /// <summary>One back-update and what it leaves in the ledger.</summary>
    public async Task BackUpdateAsync(BackUpdateRequest request, OrderOutcomes outcomes, CancellationToken cancellationToken)
    {
        var (portalOrderId, erpOrderNo) = request;
        BackUpdateOutcome outcome;
        using (run.Timings.BackUpdates.Start()) outcome = await portal.SetErpReferenceAsync(portalOrderId, erpOrderNo, cancellationToken);
        if (outcome.Done)
        {
            run.Ledger.Add(new BackUpdateCleared(portalOrderId));
            run.Trail(portalOrderId, "back_updated", $"the portal knows ERP order {erpOrderNo}");
            lock (run.Result) run.Result.Counts.BackUpdated++;
        }
        else if (outcome.Conflict)
        {
            run.Ledger.Add(new BackUpdateCleared(portalOrderId));
            run.Hold(portalOrderId, "back_update_conflict", $"the portal refused ERP order {erpOrderNo} (409): it holds another number", erpOrderNo, outcomes, "review");
        }
        else
        {
            run.Ledger.Add(new BackUpdateParked(portalOrderId, erpOrderNo, outcome.Problem ?? "unknown", run.Clock.GetUtcNow()));
            outcomes.Set(portalOrderId, "failed");
            run.Trail(portalOrderId, "back_update_failed", $"parked for a later run: {outcome.Problem}");
            run.Logger.LogWarning("order {Order}: the back-update of ERP order {ErpOrder} failed and is parked for a later run: {Problem}", portalOrderId, erpOrderNo, outcome.Problem);
        }
    }

    /// <summary>Retries the back-updates parked by earlier runs; their outcomes count on their own.</summary>
    public async Task RetryParkedAsync(IReadOnlyList<(string PortalOrderId, string ErpOrderNo)> parked, CancellationToken cancellationToken)
    {
        var outcomes = new OrderOutcomes();
        await Parallel.ForEachAsync(parked, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            (p, token) => new ValueTask(BackUpdateAsync(new BackUpdateRequest(p.PortalOrderId, p.ErpOrderNo), outcomes, token)));
        outcomes.CountInto(run.Result.Counts);
    }
}
