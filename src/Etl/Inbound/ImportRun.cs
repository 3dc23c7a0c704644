using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Inbound;

/// <summary>What the stages of one import share: the run id, the result, the timings, the ledger writer, the clock and the log.</summary>
internal sealed class ImportRun(string runId, OrderImportResult result, ImportTimings timings, LedgerWriter ledger, TimeProvider clock, ILogger logger)
{
    private int _erpFailures;

    /// <summary>The run's id, for the trail.</summary>
    public string RunId => runId;

    /// <summary>The counts and failures of the import.</summary>
    public OrderImportResult Result => result;

    /// <summary>The import's own timings.</summary>
    public ImportTimings Timings => timings;

    /// <summary>The ledger changes, written in batches.</summary>
    public LedgerWriter Ledger => ledger;

    /// <summary>The clock.</summary>
    public TimeProvider Clock => clock;

    /// <summary>The log.</summary>
    public ILogger Logger => logger;

    /// <summary>Whether an order's ERP write (or its preparation) failed: the checkpoint then stays.</summary>
    public bool HadErpFailures => Volatile.Read(ref _erpFailures) > 0;

    /// <summary>Notes a decision in the trail.</summary>
    public void Trail(string portalOrderId, string decision, string? detail) =>
        ledger.Add(new TrailEntry(runId, portalOrderId, decision, detail, clock.GetUtcNow()));

    /// <summary>Holds an order for review, with its trail entry and outcome.</summary>
    public void Hold(string portalOrderId, string reason, string detail, string? erpOrderNo, OrderOutcomes outcomes, string outcome)
    {
        var now = clock.GetUtcNow();
        ledger.Add(new ReviewHold(portalOrderId, reason, detail, erpOrderNo, runId, now));
        ledger.Add(new TrailEntry(runId, portalOrderId, outcome, detail, now));
        outcomes.Set(portalOrderId, outcome);
        logger.LogInformation("order {Order}: held for review ({Reason}): {Detail}", portalOrderId, reason, detail);
    }

    /// <summary>An order whose ERP write failed: nothing of it is in the ERP; a later run reads its window again.</summary>
    public void ErpWriteFailed(string portalOrderId, string problem, OrderOutcomes outcomes)
    {
        Interlocked.Increment(ref _erpFailures);
        outcomes.Set(portalOrderId, "failed");
        Trail(portalOrderId, "failed", problem);
        logger.LogError("order {Order}: the ERP write failed: {Problem}", portalOrderId, problem);
    }
}
