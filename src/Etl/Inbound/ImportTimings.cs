using Etl.Runs;
using Microsoft.Extensions.Logging;

namespace Etl.Inbound;

/// <summary>
/// Where an order import's time went, kept by the import itself: HTTP (page reads and back-updates), matching (the
/// ERP lookups of each page and the decisions), ERP writes (the create and link transactions) and the ledger
/// (state/etl.db). The stages overlap (pages are read while earlier ones are written, back-updates run side by
/// side), so each share is its busy time over the import's wall time and the shares can add up to more than 100%.
/// </summary>
public sealed class ImportTimings
{
    private readonly TimeProvider _clock;
    private readonly long _started;
    private long _lookupQueries;
    private long _erpTransactions;

    /// <summary>Starts the clock of an import.</summary>
    public ImportTimings(TimeProvider clock)
    {
        _clock = clock;
        _started = clock.GetTimestamp();
        Http = new StageTiming("HTTP", clock);
        Pull = new StageTiming("page reads", clock, Http);
        BackUpdates = new StageTiming("back-updates", clock, Http);
        Matching = new StageTiming("matching", clock);
        Lookups = new StageTiming("ERP lookups", clock, Matching);
        Decisions = new StageTiming("decisions", clock, Matching);
        ErpWrites = new StageTiming("ERP writes", clock);
        Ledger = new StageTiming("ledger", clock);
    }

    /// <summary>Every portal call: <see cref="Pull"/> and <see cref="BackUpdates"/>.</summary>
    public StageTiming Http { get; }

    /// <summary>The page reads (GET /api/v1/orders).</summary>
    public StageTiming Pull { get; }

    /// <summary>The back-updates (PUT .../erp-reference), parked ones retried included.</summary>
    public StageTiming BackUpdates { get; }

    /// <summary><see cref="Lookups"/> and <see cref="Decisions"/>.</summary>
    public StageTiming Matching { get; }

    /// <summary>The ERP reads of each page (batched queries).</summary>
    public StageTiming Lookups { get; }

    /// <summary>Deciding each order from the page's lookups (no I/O).</summary>
    public StageTiming Decisions { get; }

    /// <summary>The ERP write transactions (creates and links), commit included.</summary>
    public StageTiming ErpWrites { get; }

    /// <summary>Writes to the order ledger in state/etl.db (trail, review queue, parked back-updates), commit included.</summary>
    public StageTiming Ledger { get; }

    /// <summary>The queries the ERP lookups sent (a few per page, never one per order).</summary>
    public long LookupQueries => Interlocked.Read(ref _lookupQueries);

    /// <summary>The ERP write transactions committed or rolled back.</summary>
    public long ErpTransactions => Interlocked.Read(ref _erpTransactions);

    /// <summary>The wall time since the import started.</summary>
    public TimeSpan Wall => _clock.GetElapsedTime(_started);

    /// <summary>Counts lookup queries.</summary>
    public void AddLookupQueries(long queries) => Interlocked.Add(ref _lookupQueries, queries);

    /// <summary>Counts ERP write transactions.</summary>
    public void AddErpTransactions(long transactions) => Interlocked.Add(ref _erpTransactions, transactions);

    /// <summary>
    /// Logs the timings in one line (the inbound benchmark reads its properties): wall, orders a second, and per
    /// stage the busy seconds, the share of the wall time and the count.
    /// </summary>
    public void Log(ILogger logger, int orders)
    {
        var wall = Wall.TotalSeconds;
        double Share(StageTiming stage) => wall > 0 ? Math.Round(100 * stage.Busy.TotalSeconds / wall, 1) : 0;
        double S(TimeSpan time) => Math.Round(time.TotalSeconds, 3);
        logger.LogInformation(
            "orders: timings: {ImportSeconds} s for {Orders} order(s), {OrdersPerSecond} orders/s; " +
            "HTTP {HttpSeconds} s ({HttpShare}%): {PageReads} page read(s) {PullSeconds} s, {BackUpdateCalls} back-update(s) {BackUpdateSeconds} s ({BackUpdateSummedSeconds} s summed); " +
            "matching {MatchingSeconds} s ({MatchingShare}%): ERP lookups {LookupSeconds} s in {LookupQueries} queries, decisions {DecisionSeconds} s; " +
            "ERP writes {ErpWriteSeconds} s ({ErpWriteShare}%) in {ErpTransactions} transaction(s); ledger {LedgerSeconds} s ({LedgerShare}%) in {LedgerCommits} commit(s). " +
            "Shares are busy time over the import's wall time; stages overlap",
            Math.Round(wall, 3), orders, wall > 0 ? Math.Round(orders / wall, 1) : 0,
            S(Http.Busy), Share(Http), Pull.Count, S(Pull.Busy), BackUpdates.Count, S(BackUpdates.Busy), S(BackUpdates.Summed),
            S(Matching.Busy), Share(Matching), S(Lookups.Busy), LookupQueries, S(Decisions.Busy),
            S(ErpWrites.Busy), Share(ErpWrites), ErpTransactions, S(Ledger.Busy), Share(Ledger), Ledger.Count);
    }
}
