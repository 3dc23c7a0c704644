using Etl.Configuration;

namespace Etl.Scheduling;

/// <summary>A pipeline under <c>etl serve</c>: what runs, on which schedule, and when it is due next.</summary>
internal sealed class ScheduledPipeline(PipelineDefinition definition, PipelineSchedule schedule)
{
    /// <summary>The pipeline file as loaded at start-up.</summary>
    public PipelineDefinition Definition { get; } = definition;

    /// <summary>Its schedule.</summary>
    public PipelineSchedule Schedule { get; } = schedule;

    /// <summary>The pipeline's name.</summary>
    public string Name => Definition.Name;

    /// <summary>When it should start next (UTC): an occurrence, now for a catch-up, or a retry after a deferral.</summary>
    public DateTimeOffset Due { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>Whether the log already says that this due run waits for another one.</summary>
    public bool Waiting { get; set; }
}
