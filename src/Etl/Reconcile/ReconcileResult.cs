namespace Etl.Reconcile;

/// <summary>
/// One entity's reconciliation (summary.json's reconcile section): the portal's current records compared by key with the
/// ERP (the latest snapshot's valid rows) and with the baseline (what the engine believes the portal holds).
/// Keys are shown as people read them (key fields joined with '|').
/// </summary>
public sealed class ReconcileResult(string entity)
{
    /// <summary>The entity.</summary>
    public string Entity { get; } = entity;

    /// <summary>done, skipped (no snapshot yet), failed (the portal could not be read) or stopped (a repair the guards held back).</summary>
    public string Status { get; set; } = Runs.EntityStatus.Done;

    /// <summary>Why it was skipped, failed or stopped.</summary>
    public string? Reason { get; set; }

    /// <summary>The run whose snapshot stood for the ERP.</summary>
    public string? SnapshotRunId { get; set; }

    /// <summary>Valid rows of the snapshot (what the portal should hold).</summary>
    public int ErpValid { get; set; }

    /// <summary>Keys with invalid rows in the snapshot: never sent, the portal keeps what it had, so they are not compared.</summary>
    public int ErpInvalid { get; set; }

    /// <summary>Records the portal holds.</summary>
    public int Portal { get; set; }

    /// <summary>Keys in the baseline.</summary>
    public int Baseline { get; set; }

    /// <summary>Valid ERP rows the portal holds with the same values.</summary>
    public int InStep { get; set; }

    /// <summary>Keys with a valid ERP row that the portal lacks.</summary>
    public List<string> Missing { get; } = [];

    /// <summary>Keys the portal holds that the ERP has no row for.</summary>
    public List<string> Extra { get; } = [];

    /// <summary>Keys whose portal values differ from the ERP's valid row, field by field.</summary>
    public List<RecordDifference> Different { get; } = [];

    /// <summary>Keys where the baseline disagrees with what the portal actually holds (held, lacked or other values).</summary>
    public List<string> BaselineStale { get; } = [];

    /// <summary>What --repair did; null for a report-only reconcile.</summary>
    public RepairCounts? Repair { get; set; }

    /// <summary>Whether anything disagrees.</summary>
    public bool HasDrift => Missing.Count + Extra.Count + Different.Count + BaselineStale.Count > 0;

    /// <summary>Every finding, one line per field where fields differ, for &lt;entity&gt;.reconcile.csv.</summary>
    public List<ReconcileLine> Lines { get; } = [];
}

/// <summary>One record whose portal values differ from the ERP's.</summary>
public sealed record RecordDifference(string Key, IReadOnlyList<FieldDifference> Fields);

/// <summary>One field of a record that differs: canonical texts (numbers without trailing zeros), null when empty.</summary>
public sealed record FieldDifference(string Field, string? Erp, string? Portal);

/// <summary>
/// A line of &lt;entity&gt;.reconcile.csv: kind (missing, extra, different, baseline_stale, not_repaired), key, field,
/// the values on each side and a note (why a record was not repaired).
/// </summary>
public sealed record ReconcileLine(string Kind, string Key, string? Field, string? Erp, string? Portal, string? Baseline, string? Note = null);

/// <summary>What --repair wrote for one entity.</summary>
public sealed class RepairCounts
{
    /// <summary>Upserts written (missing and different records, with the ERP's valid values).</summary>
    public int Upserts { get; set; }

    /// <summary>Deletes written (extra records).</summary>
    public int Deletes { get; set; }

    /// <summary>Missing or different records not sent because they fail the entity's rules now.</summary>
    public int Invalid { get; set; }

    /// <summary>Payload files published.</summary>
    public int Batches { get; set; }

    /// <summary>Keys whose baseline entry was set to what the portal holds (no payload needed).</summary>
    public int BaselineCorrected { get; set; }
}
