namespace Etl.Runs;

/// <summary>How one entity of a run ended, with its counts per stage (summary.json's entities section).</summary>
public sealed class EntityResult(string entity)
{
    /// <summary>The entity.</summary>
    public string Entity { get; } = entity;

    /// <summary>done, skipped, failed or stopped.</summary>
    public string Status { get; set; } = EntityStatus.Done;

    /// <summary>Why it was skipped, failed or stopped.</summary>
    public string? Reason { get; set; }

    /// <summary>Rows read from the source.</summary>
    public long Read { get; set; }

    /// <summary>Rows whose portal fields the portal already holds.</summary>
    public long Unchanged { get; set; }

    /// <summary>Valid rows with a key the portal does not hold.</summary>
    public long Added { get; set; }

    /// <summary>Valid rows whose portal fields changed.</summary>
    public long Changed { get; set; }

    /// <summary>Keys the portal holds that the source lacks.</summary>
    public long Removed { get; set; }

    /// <summary>Rows held back as invalid.</summary>
    public long Invalid { get; set; }

    /// <summary>Payload files published.</summary>
    public int Batches { get; set; }

    /// <summary>Records in the published payloads.</summary>
    public long RecordsWritten { get; set; }

    /// <summary>The invalid rows, for the steward report.</summary>
    public List<InvalidRecord> InvalidRecords { get; } = [];

    /// <summary>The snapshot written, if any.</summary>
    public string? Snapshot { get; set; }
}

/// <summary>The statuses of an entity in a run.</summary>
public static class EntityStatus
{
    /// <summary>Processed; its changes (if any) are in the outbox.</summary>
    public const string Done = "done";
    /// <summary>Nothing to do (no new drop).</summary>
    public const string Skipped = "skipped";
    /// <summary>The file could not be used.</summary>
    public const string Failed = "failed";
    /// <summary>A guard stopped it (no rows, mass removal).</summary>
    public const string Stopped = "stopped";
}

/// <summary>One line of the steward report: file, line, key, field, value, rule, message.</summary>
public sealed record InvalidRecord(string File, long Line, string Key, string Field, string? Value, string Rule, string Message);
