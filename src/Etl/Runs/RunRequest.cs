namespace Etl.Runs;

/// <summary>The flags of etl run.</summary>
public sealed record RunRequest
{
    /// <summary>Entity names (and orders) to run; empty means all of the pipeline.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    /// <summary>Whether the run takes an entity (or orders): --only names it, or there is no --only.</summary>
    public bool Includes(string name) => Only.Count == 0 || Only.Contains(name);

    /// <summary>Leave payloads in the outbox.</summary>
    public bool NoUpload { get; init; }

    /// <summary>Send every valid record, not only changes.</summary>
    public bool FullResync { get; init; }

    /// <summary>Let empty drops and mass removals through.</summary>
    public bool AllowMassRemoval { get; init; }

    /// <summary>Re-read orders from this time without moving the checkpoint back.</summary>
    public DateTimeOffset? Since { get; init; }
}
