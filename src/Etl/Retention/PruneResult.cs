namespace Etl.Retention;

/// <summary>What <c>etl prune</c> removed (or, with --dry-run, would remove).</summary>
public sealed class PruneResult
{
    /// <summary>Whether nothing was removed, only listed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Files and folders, in the order they were considered.</summary>
    public List<PrunedItem> Items { get; } = [];

    /// <summary>Rows of state/etl.db per table.</summary>
    public List<PrunedRows> Rows { get; } = [];

    /// <summary>Who holds the run lock when prune could not take it; null otherwise.</summary>
    public string? LockedBy { get; set; }
}

/// <summary>A file or folder removed: its kind (snapshot, sent_payload, report, processed_drop), its path under the data root and its size.</summary>
public sealed record PrunedItem(string Kind, string Path, long Bytes);

/// <summary>Rows removed from a table of state/etl.db, all older than <paramref name="Before"/>.</summary>
public sealed record PrunedRows(string Table, int Rows, DateTimeOffset Before);
