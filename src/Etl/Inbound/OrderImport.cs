using System.Threading.Tasks.Dataflow;
using Etl.Erp;
using Etl.Inbound.BackUpdate;
using Etl.Inbound.ErpWrite;
using Etl.Inbound.Match;
using Etl.Inbound.Pull;
using Etl.Inbound.Window;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Inbound;

/// <summary>
/// The inbound mirror graph (TPL Dataflow): pull pages of the window → per page, the ERP's lookups in a few batched
/// queries, a decision per order (CONTRACTS.md section 5) and the page's creates and links in one ERP transaction
/// (one block, one connection, a page at a time, while the next page is read) → once that transaction is committed,
/// the page's back-updates, <see cref="BackUpdater.Concurrency"/> at a time through the shared portal client.
/// Back-updates parked by earlier runs are retried first, whatever their window. Ledger changes (trail, review
/// queue, parked back-updates) are written in batches; the checkpoint advances only after they are, and only when
/// every order of the window is done, held or parked.
/// </summary>
public sealed class OrderImport(IPortalOrders portal, ErpGateway erp, OrderLedger ledger, OrderDecider decider, TimeProvider clock, ILogger logger)
{
    /// <summary>Orders per page (the portal's largest page), and so per ERP transaction.</summary>
    public const int PageSize = 100;

    private const int MaxPages = 100_000;

    /// <summary>Runs the import for a window.</summary>
    public async Task<OrderImportResult> RunAsync(string runId, PullWindow window, CancellationToken cancellationToken)
    {
        var timings = new ImportTimings(clock);
        var result = new OrderImportResult { Timings = timings };
        var ledgerWriter = new LedgerWriter(ledger, timings.Ledger);
        var run = new ImportRun(runId, result, timings, ledgerWriter, clock, logger);
        var backUpdater = new BackUpdater(portal, run);
        var pulled = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await backUpdater.RetryParkedAsync(ledger.ParkedBackUpdates(), cancellationToken);

            var outcomes = new OrderOutcomes();
            var pages = new PageWriter(erp, decider, run, outcomes);
            var write = new TransformManyBlock<IReadOnlyList<PortalOrder>, BackUpdateRequest>(
                async page => await pages.WriteAsync(page, cancellationToken),
                new ExecutionDataflowBlockOptions { BoundedCapacity = 2, CancellationToken = cancellationToken });
            var backUpdate = new ActionBlock<BackUpdateRequest>(
                request => backUpdater.BackUpdateAsync(request, outcomes, cancellationToken),
                new ExecutionDataflowBlockOptions { BoundedCapacity = 2 * PageSize, MaxDegreeOfParallelism = BackUpdater.Concurrency, CancellationToken = cancellationToken });
            write.LinkTo(backUpdate, new DataflowLinkOptions { PropagateCompletion = true });

            await PullAsync(window, write, pulled, result, timings, cancellationToken);
            write.Complete();
            await backUpdate.Completion;
            result.Counts.Pulled = pulled.Count;
            outcomes.CountInto(result.Counts);

            ledgerWriter.Flush();
            if (result.PullFailure is null && !run.HadErpFailures)
            {
                using (timings.Ledger.Start()) ledger.AdvanceCheckpoint(window.ToUtc);
            }
        }
        catch
        {
            ledgerWriter.FlushAfterFailure(logger);
            throw;
        }
        finally
        {
            timings.Log(logger, pulled.Count);
        }
        return result;
    }

    private async Task PullAsync(PullWindow window, ITargetBlock<IReadOnlyList<PortalOrder>> target, HashSet<string> pulled, OrderImportResult result,
        ImportTimings timings, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
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
                if (fresh.Count > 0 && !await target.SendAsync(fresh, cancellationToken)) break;
                if (page.NextCursor is null || page.Orders.Count == 0) break;
                cursor = page.NextCursor;
            }
        }
        catch (PullFailedException e)
        {
            result.PullFailure = e.Message;
            logger.LogError("orders: the pull failed, the checkpoint stays where it was: {Problem}", e.Message);
        }
    }
}
