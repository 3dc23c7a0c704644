using Etl.Runs;

namespace Etl.Inbound;

/// <summary>How an order import ended: the counts, and whether the checkpoint could advance.</summary>
public sealed class OrderImportResult
{
    /// <summary>One outcome per distinct order, plus back-updates.</summary>
    public OrderCounts Counts { get; } = new();

    /// <summary>Where the import's time went (also logged as "orders: timings").</summary>
    public ImportTimings? Timings { get; set; }

    /// <summary>Why the pull failed, if it did (the checkpoint stayed).</summary>
    public string? PullFailure { get; set; }

    /// <summary>Whether anything failed (exit 3): a pull, an ERP write or a back-update.</summary>
    public bool HasFailures => PullFailure is not null || Counts.Failed > 0;
}
