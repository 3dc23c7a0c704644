using Etl.Entities;
using Etl.Outbound.Extract;

namespace Etl.Outbound;

/// <summary>Everything one entity's outbound graph needs for a run.</summary>
public sealed record EntityJob(
    EntitySchema Schema,
    IRowSource Source,
    string RunId,
    DateTimeOffset RunStart,
    int BatchSize,
    IReadOnlyDictionary<string, decimal> Tolerances,
    Guards Guards,
    bool FullResync);

/// <summary>The guards of one entity: bad rows fail the file, mass removals and empty drops stop the entity.</summary>
public sealed record Guards(decimal MaxBadRowPercent, int MinBadRowsToFail, decimal MaxRemovedPercent, int MinRemovedToStop, bool AllowMassRemoval);
