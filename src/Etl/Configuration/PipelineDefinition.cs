namespace Etl.Configuration;

/// <summary>A pipeline file (pipelines/&lt;name&gt;.json): what a run does and when.</summary>
public sealed class PipelineDefinition
{
    /// <summary>The pipeline's name (the file name without .json).</summary>
    public required string Name { get; init; }

    /// <summary>The file it was read from.</summary>
    public required string Path { get; init; }

    /// <summary>A cron expression for etl serve, if any.</summary>
    public string? Schedule { get; init; }

    /// <summary>The IANA time zone of the schedule.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The outbound entities, in file order.</summary>
    public required IReadOnlyList<EntityDefinition> Entities { get; init; }

    /// <summary>Whether the run imports portal orders.</summary>
    public bool Orders { get; init; }

    /// <summary>Entities reconciled (report only) against the portal at the end of the run, after the drain.</summary>
    public IReadOnlyList<string> Reconcile { get; init; } = [];

    /// <summary>Pipeline-wide settings as configuration keys (Outbound:BatchSize, Drop:...), below environment and flags.</summary>
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }
}

/// <summary>One entity of a pipeline.</summary>
public sealed class EntityDefinition
{
    /// <summary>The entity name.</summary>
    public required string Name { get; init; }

    /// <summary>drop or sql.</summary>
    public required string Source { get; init; }

    /// <summary>The query, for source sql.</summary>
    public string? Query { get; init; }

    /// <summary>Records per payload for this entity, overriding Outbound:BatchSize.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Absolute tolerances per field: a smaller change is not a change.</summary>
    public required IReadOnlyDictionary<string, decimal> Tolerances { get; init; }

    /// <summary>Guard settings for this entity, overriding the pipeline's and Drop:*.</summary>
    public required IReadOnlyDictionary<string, decimal> Guards { get; init; }
}
