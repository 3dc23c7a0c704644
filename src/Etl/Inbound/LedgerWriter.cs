using Etl.Runs;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Inbound;

/// <summary>
/// The import's changes to the order ledger, gathered and written in batches of one transaction each, in the order
/// they were made (one commit per batch instead of one per change). Nothing waits for them: the checkpoint, the
/// one thing that depends on them (an order parked or held must be in the ledger before the checkpoint passes it),
/// advances only after <see cref="Flush"/>. A crash loses at most the unwritten trail of orders whose window is then
/// read again. Thread-safe.
/// </summary>
internal sealed class LedgerWriter(OrderLedger ledger, StageTiming timing, int batchSize = LedgerWriter.DefaultBatchSize)
{
    /// <summary>Changes per transaction.</summary>
    public const int DefaultBatchSize = 1000;

    private readonly Lock _pendingGate = new();
    private readonly Lock _flushGate = new();
    private List<OrderLedgerChange> _pending = [];

    /// <summary>Adds a change; writes the batch when it is full.</summary>
    public void Add(OrderLedgerChange change)
    {
        bool full;
        lock (_pendingGate)
        {
            _pending.Add(change);
            full = _pending.Count >= batchSize;
        }
        if (full) Flush();
    }

    /// <summary>Writes what is pending, in one transaction.</summary>
    public void Flush()
    {
        // Batches are taken and written under one gate, so they reach the ledger in the order they were made.
        lock (_flushGate)
        {
            List<OrderLedgerChange> batch;
            lock (_pendingGate)
            {
                if (_pending.Count == 0) return;
                batch = _pending;
                _pending = [];
            }
            using (timing.Start()) ledger.Apply(batch);
        }
    }

    /// <summary>Writes what is pending after the import failed; a failure here is logged, not thrown over the first one.</summary>
    public void FlushAfterFailure(ILogger logger)
    {
        try
        {
            Flush();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            logger.LogError("orders: the order ledger could not be written after the import failed: {Problem}", e.Message);
        }
    }
}
