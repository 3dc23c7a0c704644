using Etl.Erp;
using Etl.Inbound.BackUpdate;
using Etl.Inbound.Match;
using Etl.State;

namespace Etl.Inbound.ErpWrite;

/// <summary>
/// One page of portal orders into the ERP: the page's lookups in a few batched queries, a decision per order, then
/// every create and link of the page in one transaction (group commit). Only once that transaction is committed
/// are the page's back-updates handed on, so the portal never learns a number the ERP could still lose.
/// </summary>
internal sealed class PageWriter(ErpGateway erp, OrderDecider decider, ImportRun run, OrderOutcomes outcomes)
{
    /// <summary>Decides and writes a page; returns the back-updates it calls for.</summary>
    public async Task<List<BackUpdateRequest>> WriteAsync(IReadOnlyList<PortalOrder> orders, CancellationToken cancellationToken)
    {
        var timings = run.Timings;
        OrderLookups lookups;
        var queries = erp.ReadQueries;
        using (timings.Lookups.Start()) lookups = await OrderLookups.ReadAsync(erp, orders, cancellationToken);
        timings.AddLookupQueries(erp.ReadQueries - queries);

        var decided = new List<(PortalOrder Order, OrderDecision Decision, int Write)>(orders.Count);
        var writes = new List<Etl.Erp.ErpWrite>();
        using (timings.Decisions.Start())
        {
            foreach (var order in orders)
            {
                OrderDecision decision;
                try
                {
                    decision = decider.Decide(order, lookups);
                }
                catch (FormatException e)
                {
                    run.ErpWriteFailed(order.Id, e.Message, outcomes);
                    continue;
                }
                Etl.Erp.ErpWrite? write = decision switch
                {
                    LinkExisting link => new ErpLink(link.Erp.ErpOrderNo, order.Id),
                    CreateNew create => new ErpCreate(create.Order),
                    _ => null,
                };
                if (write is not null) writes.Add(write);
                decided.Add((order, decision, write is null ? -1 : writes.Count - 1));
            }
        }

        IReadOnlyList<ErpWriteResult> results;
        var transactions = erp.Transactions;
        using (timings.ErpWrites.Start()) results = await erp.WriteAsync(writes, cancellationToken);
        timings.AddErpTransactions(erp.Transactions - transactions);
        if (results.Any(r => r.Created)) Testing.CrashPoints.Hit("orders.after-erp-insert");

        var backUpdates = new List<BackUpdateRequest>();
        foreach (var (order, decision, write) in decided)
        {
            if (Apply(order, decision, write < 0 ? null : results[write]) is { } number) backUpdates.Add(new BackUpdateRequest(order.Id, number));
        }
        return backUpdates;
    }

    // Records the decision and what the ERP did; returns the ERP number to tell the portal, if any.
    private string? Apply(PortalOrder order, OrderDecision decision, ErpWriteResult? write)
    {
        switch (decision)
        {
            case AlreadyLinked linked:
                run.Ledger.Add(new ReviewRelease(order.Id));
                run.Trail(order.Id, "already_linked", decision.Detail);
                outcomes.Seen(order.Id);
                return linked.BackUpdate ? linked.Erp.ErpOrderNo : null;
            case NotImported skipped:
                outcomes.Set(order.Id, skipped.Outcome);
                run.Trail(order.Id, skipped.Outcome, decision.Detail);
                return null;
            case HoldForReview review:
                run.Hold(order.Id, review.Invalid ? "invalid" : review.Reason, decision.Detail, review.ErpOrderNo, outcomes, review.Invalid ? "invalid" : "review");
                return null;
            case LinkExisting or CreateNew when write!.Failure is { } problem:
                run.ErpWriteFailed(order.Id, problem, outcomes);
                return null;
            case LinkExisting link when !write!.Done:
                run.Hold(order.Id, "erp_order_taken", $"ERP order {link.Erp.ErpOrderNo} got another reference meanwhile", link.Erp.ErpOrderNo, outcomes, "review");
                return null;
            case LinkExisting link:
                run.Ledger.Add(new ReviewRelease(order.Id));
                outcomes.Set(order.Id, "linked");
                run.Trail(order.Id, "linked", decision.Detail);
                return link.Erp.ErpOrderNo;
            case CreateNew:
                var number = write!.ErpOrderNo!;
                run.Ledger.Add(new ReviewRelease(order.Id));
                outcomes.Set(order.Id, write.Created ? "created" : "linked");
                run.Trail(order.Id, write.Created ? "created" : "already_linked", write.Created ? $"created ERP order {number}" : $"ERP order {number} already carries it");
                return number;
            default:
                throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
        }
    }
}
