using Etl.Configuration;
using Etl.Runs;
using Microsoft.Extensions.Logging;

namespace Etl.Scheduling;

/// <summary>
/// The loop of <c>etl serve</c>: starts each pipeline at the local times of its schedule, one run at a time (the
/// pipelines of a data root share its baselines). A run that falls due while another is running waits for it and
/// says so; one that finds the data root locked by another process (exit 4) is deferred by
/// <see cref="SchedulerOptions.LockRetry"/> and says so. Occurrences missed while serve was down, while another run
/// went on or while a run was deferred are made up by one run, never several. On stop, nothing new starts; a running
/// run gets <see cref="SchedulerOptions.StopGrace"/> to finish and is cancelled after that.
/// </summary>
internal sealed class Scheduler
{
    /// <summary>The longest sleep by default: a wall-clock change or a suspended machine is noticed within it.</summary>
    public static readonly TimeSpan DefaultMaxSleep = TimeSpan.FromMinutes(1);

    private readonly IReadOnlyList<ScheduledPipeline> _pipelines;
    private readonly Func<PipelineDefinition, CancellationToken, Task<RunSummary>> _run;
    private readonly Func<string, DateTimeOffset?> _lastRunStart;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private SleepState? _sleeping;

    /// <summary>
    /// A scheduler of <paramref name="pipelines"/> (in the order that breaks ties) that starts a run with
    /// <paramref name="run"/> and learns when a pipeline last ran from <paramref name="lastRunStart"/>.
    /// </summary>
    public Scheduler(IEnumerable<ScheduledPipeline> pipelines, Func<PipelineDefinition, CancellationToken, Task<RunSummary>> run,
        Func<string, DateTimeOffset?> lastRunStart, SchedulerOptions options, TimeProvider clock, ILogger logger)
    {
        _pipelines = [.. pipelines];
        _run = run;
        _lastRunStart = lastRunStart;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The pipelines, with when each is due.</summary>
    public IReadOnlyList<ScheduledPipeline> Pipelines => _pipelines;

    /// <summary>The longest the loop sleeps before it looks at the clock again.</summary>
    public TimeSpan MaxSleep { get; init; } = DefaultMaxSleep;

    /// <summary>When the loop last went to sleep, until when, and with which run going (for tests); null before.</summary>
    public SleepState? Sleeping => Volatile.Read(ref _sleeping);

    /// <summary>Plans every pipeline's first run: a catch-up now if it missed an occurrence since it last ran, else its next occurrence.</summary>
    public void Plan(DateTimeOffset now)
    {
        foreach (var pipeline in _pipelines)
        {
            var last = _lastRunStart(pipeline.Name);
            if (last is { } lastStart && pipeline.Schedule.NextAfter(lastStart) is { } missed && missed <= now)
            {
                pipeline.Due = now;
                _logger.LogInformation("{Pipeline}: scheduled {Schedule}; it last ran at {LastRun} and missed its run at {Missed}, so it runs now to catch up (once, however many runs were missed)",
                    pipeline.Name, pipeline.Schedule, pipeline.Schedule.Local(lastStart), pipeline.Schedule.Local(missed));
                continue;
            }
            pipeline.Due = pipeline.Schedule.NextAfter(now) ?? DateTimeOffset.MaxValue;
            _logger.LogInformation("{Pipeline}: scheduled {Schedule}; next run at {Next}", pipeline.Name, pipeline.Schedule, Describe(pipeline, pipeline.Due));
        }
    }

    /// <summary>Plans, then runs the schedule until <paramref name="stopping"/> is cancelled; returns once the last run has ended.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        Plan(_clock.GetUtcNow());
        using var cancelRun = new CancellationTokenSource();
        ActiveRun? active = null;
        while (!stopping.IsCancellationRequested)
        {
            var now = _clock.GetUtcNow();
            if (active is { Task.IsCompleted: true })
            {
                Finish(active, now, cancelRun.Token);
                active = null;
            }
            if (active is null && NextDue(now) is { } due)
            {
                active = Start(due, now, cancelRun.Token);
                continue;
            }
            if (active is not null) AnnounceWaits(active, now);

            var sleep = MaxSleep;
            foreach (var pipeline in _pipelines)
            {
                if (pipeline.Due > now && pipeline.Due - now < sleep) sleep = pipeline.Due - now;
            }
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var timer = Task.Delay(sleep, _clock, wake.Token);
            // Said only once the timer is set: whoever moves the clock on seeing it (a test's fake clock) wakes the loop.
            Volatile.Write(ref _sleeping, new SleepState(now, now + sleep, active?.Pipeline.Name));
            await Task.WhenAny(active is null ? [timer] : [timer, active.Task]);
            await wake.CancelAsync();
        }
        if (active is not null) await StopAsync(active, cancelRun);
    }

    private ScheduledPipeline? NextDue(DateTimeOffset now)
    {
        ScheduledPipeline? next = null;
        foreach (var pipeline in _pipelines)
        {
            if (pipeline.Due <= now && (next is null || pipeline.Due < next.Due)) next = pipeline;
        }
        return next;
    }

    private ActiveRun Start(ScheduledPipeline pipeline, DateTimeOffset now, CancellationToken cancel)
    {
        var due = pipeline.Due;
        // Every occurrence up to now is served by this run: a backlog never turns into a burst of runs.
        pipeline.Due = pipeline.Schedule.NextAfter(now) ?? DateTimeOffset.MaxValue;
        pipeline.Waiting = false;
        if (now - due >= TimeSpan.FromSeconds(1))
        {
            _logger.LogInformation("{Pipeline}: starting its run due at {Due}", pipeline.Name, pipeline.Schedule.Local(due));
        }
        else
        {
            _logger.LogInformation("{Pipeline}: starting its scheduled run", pipeline.Name);
        }
        return new ActiveRun(pipeline, due, now, Task.Run(() => _run(pipeline.Definition, cancel), CancellationToken.None));
    }

    private void Finish(ActiveRun active, DateTimeOffset now, CancellationToken cancel)
    {
        var pipeline = active.Pipeline;
        try
        {
            var summary = active.Task.GetAwaiter().GetResult();
            if (summary.ExitCode == ExitCodes.Locked)
            {
                var retry = now + _options.LockRetry;
                if (retry < pipeline.Due) pipeline.Due = retry;
                var notice = summary.Notices.FirstOrDefault() ?? "another run holds the data root.";
                _logger.LogWarning("{Pipeline}: run due at {Due} deferred, {Notice} etl serve tries again at {Retry} (Serve:LockRetry)",
                    pipeline.Name, pipeline.Schedule.Local(active.Due), notice, Describe(pipeline, pipeline.Due));
                return;
            }
            _logger.LogInformation("{Pipeline}: run {RunId} ended with exit code {ExitCode} after {Duration}; next run at {Next}",
                pipeline.Name, summary.RunId, summary.ExitCode, Duration(now - active.StartedAt), Describe(pipeline, pipeline.Due));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            _logger.LogWarning("{Pipeline}: run cancelled", pipeline.Name);
        }
        catch (Exception e)
        {
            // A broken run is no reason to stop the schedule: say what happened and keep to the next occurrence.
            var reason = e is ConfigurationException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            _logger.LogError("{Pipeline}: run failed before its summary ({Reason}); next run at {Next}", pipeline.Name, reason, Describe(pipeline, pipeline.Due));
        }
    }

    private void AnnounceWaits(ActiveRun active, DateTimeOffset now)
    {
        foreach (var pipeline in _pipelines)
        {
            if (pipeline.Due > now || pipeline.Waiting) continue;
            pipeline.Waiting = true;
            if (pipeline == active.Pipeline)
            {
                _logger.LogWarning("{Pipeline}: due again at {Due} while its run started at {Started} is still going; deferred, it runs once when that run has finished",
                    pipeline.Name, pipeline.Schedule.Local(pipeline.Due), pipeline.Schedule.Local(active.StartedAt));
            }
            else
            {
                _logger.LogWarning("{Pipeline}: due at {Due} while the run of {Other} started at {Started} holds the data root; deferred, it starts when that run has finished",
                    pipeline.Name, pipeline.Schedule.Local(pipeline.Due), active.Pipeline.Name, pipeline.Schedule.Local(active.StartedAt));
            }
        }
    }

    private async Task StopAsync(ActiveRun active, CancellationTokenSource cancelRun)
    {
        var name = active.Pipeline.Name;
        if (!active.Task.IsCompleted)
        {
            _logger.LogInformation("Stopping: waiting up to {Grace} for the run of {Pipeline} to finish (Serve:StopGrace)", Duration(_options.StopGrace), name);
            using var grace = new CancellationTokenSource();
            var timer = Task.Delay(_options.StopGrace, _clock, grace.Token);
            await Task.WhenAny(active.Task, timer);
            await grace.CancelAsync();
            if (!active.Task.IsCompleted)
            {
                _logger.LogWarning("Stopping: cancelling the run of {Pipeline}; the payloads it published stay published and its next run does the rest", name);
                await cancelRun.CancelAsync();
                await Task.WhenAny(active.Task);
            }
        }
        Finish(active, _clock.GetUtcNow(), cancelRun.Token);
    }

    private static string Describe(ScheduledPipeline pipeline, DateTimeOffset due) =>
        due == DateTimeOffset.MaxValue ? "never (the schedule has no later occurrence)" : pipeline.Schedule.Local(due);

    private static string Duration(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{span.TotalSeconds:0} s" : span.TotalMinutes < 60 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalHours:0.#} h";

    /// <summary>The loop went to sleep at <paramref name="At"/> until <paramref name="Until"/> (or the end of the run of <paramref name="Running"/>).</summary>
    internal sealed record SleepState(DateTimeOffset At, DateTimeOffset Until, string? Running);

    private sealed record ActiveRun(ScheduledPipeline Pipeline, DateTimeOffset Due, DateTimeOffset StartedAt, Task<RunSummary> Task);
}
