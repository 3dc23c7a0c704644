using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using Etl.Erp;
using Etl.Inbound.Match;
using Etl.Inbound.Pull;
using Etl.Inbound.Window;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Inbound;

/// <summary>
/// The inbound mirror graph (TPL Dataflow): pull pages of the window → read the ERP's lookups for the page in a few
/// batched queries, decide each order (CONTRACTS.md section 5) and write the ERP (one block, one connection) →
/// back-update the portal (four at a time). Back-updates parked by earlier runs are retried first, whatever their window. The checkpoint advances
/// only when every order of the window is done, held or parked.
/// </summary>
public sealed class OrderImport(IPortalOrders portal, ErpGateway erp, OrderLedger ledger, OrderDecider decider, TimeProvider clock, ILogger logger)
{
    /// <summary>Orders per page.</summary>
    public const int PageSize = 100;

    private const int MaxPages = 100_000;

    /// <summary>Runs the import for a window.</summary>
    public async Task<OrderImportResult> RunAsync(string runId, PullWindow window, CancellationToken cancellationToken)
    {
        var timings = new ImportTimings(clock);
        _timings = timings;
        var result = new OrderImportResult();
        var outcomes = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var failedWrites = 0;
        await RetryParkedAsync(runId, result, cancellationToken);

        var options = new ExecutionDataflowBlockOptions { BoundedCapacity = 2, CancellationToken = cancellationToken };
        var link = new DataflowLinkOptions { PropagateCompletion = true };
        // Lookups and writes share one ERP connection, so they run in one block, a page at a time.
        var decide = new TransformManyBlock<IReadOnlyList<PortalOrder>, (string PortalOrderId, string ErpOrderNo)>(async orders =>
        {
            OrderLookups lookups;
            var queriesBefore = erp.ReadQueries;
            using (timings.Lookups.Start()) lookups = await OrderLookups.ReadAsync(erp, orders, cancellationToken);
            timings.AddLookupQueries(erp.ReadQueries - queriesBefore);
            var backUpdates = new List<(string, string)>();
            foreach (var order in orders)
            {
                try
                {
                    OrderDecision decision;
                    using (timings.Decisions.Start()) decision = decider.Decide(order, lookups);
                    if (await ApplyAsync(runId, order, decision, outcomes, cancellationToken) is { } number) backUpdates.Add((order.Id, number));
                }
                catch (Exception e) when (e is System.Data.Common.DbException or FormatException)
                {
                    Interlocked.Increment(ref failedWrites);
                    outcomes[order.Id] = "failed";
                    L(() => ledger.Trail(runId, order.Id, "failed", e.Message, clock.GetUtcNow()));
                    logger.LogError("order {Order}: the ERP write failed: {Problem}", order.Id, e.Message);
                }
            }
            return backUpdates;
        }, options);
        var backUpdate = new ActionBlock<(string PortalOrderId, string ErpOrderNo)>(
            item => BackUpdateAsync(runId, item.PortalOrderId, item.ErpOrderNo, outcomes, result, cancellationToken),
            new ExecutionDataflowBlockOptions { BoundedCapacity = 16, MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken });
        decide.LinkTo(backUpdate, link);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pulled = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            string? cursor = null;
            for (var pages = 0; pages < MaxPages; pages++)
            {
                PortalOrderPage page;
                using (timings.Pull.Start()) page = await portal.ListAsync(window, cursor, PageSize, cancellationToken);
                // De-duplicated by (id, updated_at): a newer version of an order seen earlier in this pull is decided again.
                var fresh = page.Orders.Where(o => seen.Add(o.Id + "\u001F" + o.UpdatedAt)).ToList();
                foreach (var order in fresh) pulled.Add(order.Id);
                if (fresh.Count > 0 && !await decide.SendAsync(fresh, cancellationToken)) break;
                if (page.NextCursor is null || page.Orders.Count == 0) break;
                cursor = page.NextCursor;
            }
        }
        catch (PullFailedException e)
        {
            result.PullFailure = e.Message;
            logger.LogError("orders: the pull failed, the checkpoint stays where it was: {Problem}", e.Message);
        }
        decide.Complete();
        await backUpdate.Completion;
        result.Counts.Pulled = pulled.Count;

        Count(result, outcomes);
        if (result.PullFailure is null && failedWrites == 0) L(() => ledger.AdvanceCheckpoint(window.ToUtc));
        timings.Log(logger, pulled.Count);
        return result;
    }

    private async Task<string?> ApplyAsync(string runId, PortalOrder order, OrderDecision decision, ConcurrentDictionary<string, string> outcomes, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        switch (decision)
        {
            case AlreadyLinked linked:
                L(() => ledger.Release(order.Id));
                L(() => ledger.Trail(runId, order.Id, "already_linked", decision.Detail, now));
                outcomes.TryAdd(order.Id, "");
                return linked.BackUpdate ? linked.Erp.ErpOrderNo : null;
            case NotImported skipped:
                outcomes[order.Id] = skipped.Outcome;
                L(() => ledger.Trail(runId, order.Id, skipped.Outcome, decision.Detail, now));
                return null;
            case HoldForReview review:
                Hold(runId, order.Id, review.Invalid ? "invalid" : review.Reason, decision.Detail, review.ErpOrderNo, outcomes, review.Invalid ? "invalid" : "review");
                return null;
            case LinkExisting link:
                bool ok;
                using (_timings!.ErpWrites.Start()) ok = await erp.LinkAsync(link.Erp.ErpOrderNo, order.Id, cancellationToken);
                _timings.AddErpTransactions(1);
                if (!ok)
                {
                    Hold(runId, order.Id, "erp_order_taken", $"ERP order {link.Erp.ErpOrderNo} got another reference meanwhile", link.Erp.ErpOrderNo, outcomes, "review");
                    return null;
                }
                L(() => ledger.Release(order.Id));
                outcomes[order.Id] = "linked";
                L(() => ledger.Trail(runId, order.Id, "linked", decision.Detail, now));
                return link.Erp.ErpOrderNo;
            case CreateNew create:
                string number; bool created;
                using (_timings!.ErpWrites.Start()) (number, created) = await erp.CreateAsync(create.Order, cancellationToken);
                _timings.AddErpTransactions(1);
                Testing.CrashPoints.Hit("orders.after-erp-insert");
                L(() => ledger.Release(order.Id));
                outcomes[order.Id] = created ? "created" : "linked";
                L(() => ledger.Trail(runId, order.Id, created ? "created" : "already_linked", created ? $"created ERP order {number}" : $"ERP order {number} already carries it", now));
                return number;
            default:
                throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
        }
    }

    private async Task BackUpdateAsync(string runId, string portalOrderId, string erpOrderNo, ConcurrentDictionary<string, string> outcomes, OrderImportResult result, CancellationToken cancellationToken)
    {
        BackUpdateOutcome outcome;
        using (_timings!.BackUpdates.Start()) outcome = await portal.SetErpReferenceAsync(portalOrderId, erpOrderNo, cancellationToken);
        var now = clock.GetUtcNow();
        if (outcome.Done)
        {
            L(() => ledger.ClearBackUpdate(portalOrderId));
            L(() => ledger.Trail(runId, portalOrderId, "back_updated", $"the portal knows ERP order {erpOrderNo}", now));
            lock (result) result.Counts.BackUpdated++;
        }
        else if (outcome.Conflict)
        {
            L(() => ledger.ClearBackUpdate(portalOrderId));
            Hold(runId, portalOrderId, "back_update_conflict", $"the portal refused ERP order {erpOrderNo} (409): it holds another number", erpOrderNo, outcomes, "review");
        }
        else
        {
            L(() => ledger.ParkBackUpdate(portalOrderId, erpOrderNo, outcome.Problem ?? "unknown", now));
            outcomes[portalOrderId] = "failed";
            L(() => ledger.Trail(runId, portalOrderId, "back_update_failed", $"parked for a later run: {outcome.Problem}", now));
            logger.LogWarning("order {Order}: the back-update of ERP order {ErpOrder} failed and is parked for a later run: {Problem}", portalOrderId, erpOrderNo, outcome.Problem);
        }
    }

    private async Task RetryParkedAsync(string runId, OrderImportResult result, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (portalOrderId, erpOrderNo) in ledger.ParkedBackUpdates())
        {
            await BackUpdateAsync(runId, portalOrderId, erpOrderNo, outcomes, result, cancellationToken);
        }
        Count(result, outcomes);
    }

    private ImportTimings? _timings;

    private void L(Action write)
    {
        using (_timings!.Ledger.Start()) write();
    }

    private void Hold(string runId, string portalOrderId, string reason, string detail, string? erpOrderNo, ConcurrentDictionary<string, string> outcomes, string outcome)
    {
        var now = clock.GetUtcNow();
        L(() => ledger.HoldForReview(portalOrderId, reason, detail, erpOrderNo, runId, now));
        L(() => ledger.Trail(runId, portalOrderId, outcome, detail, now));
        outcomes[portalOrderId] = outcome;
        logger.LogInformation("order {Order}: held for review ({Reason}): {Detail}", portalOrderId, reason, detail);
    }

    private static void Count(OrderImportResult result, ConcurrentDictionary<string, string> outcomes)
    {
        var c = result.Counts;
        foreach (var outcome in outcomes.Values)
        {
            switch (outcome)
            {
                case "skipped_status": c.SkippedStatus++; break;
                case "out_of_scope": c.OutOfScope++; break;
                case "invalid": c.Invalid++; break;
                case "review": c.Review++; break;
                case "linked": c.Linked++; break;
                case "created": c.Created++; break;
                case "failed": c.Failed++; break;
            }
        }
    }
}
