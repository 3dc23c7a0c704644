namespace Etl.Runs;

/// <summary>
/// Progress of a run per entity and stage, for a terminal that shows it. Called from several threads; an
/// implementation must not throw and must not block.
/// </summary>
public interface IRunProgress
{
    /// <summary>A stage of an entity started; <paramref name="rows"/> is how many rows it will go through, when known.</summary>
    void Stage(string entity, string stage, long? rows = null);

    /// <summary>More rows of the entity's current stage are done.</summary>
    void Advance(string entity, long rows);

    /// <summary>The entity ended with this status.</summary>
    void Finished(string entity, string status);
}

/// <summary>No progress display (output redirected, tests).</summary>
public sealed class NoProgress : IRunProgress
{
    /// <summary>The instance.</summary>
    public static readonly NoProgress Instance = new();

    /// <inheritdoc />
    public void Stage(string entity, string stage, long? rows = null)
    {
    }

    /// <inheritdoc />
    public void Advance(string entity, long rows)
    {
    }

    /// <inheritdoc />
    public void Finished(string entity, string status)
    {
    }
}
