using Etl.Configuration;
using Etl.Runs;
using Etl.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Etl.Tests.Scheduling.Support;

/// <summary>
/// Runs a <see cref="Scheduler"/> on a <see cref="FakeTimeProvider"/> with a fake run: the test moves the clock from
/// one wake-up of the loop to the next and waits until the loop has settled before it looks. Runs are recorded with
/// the fake time they started; <see cref="Hold"/> keeps the next run going until <see cref="Release"/>;
/// <see cref="Outcome"/> decides what a run returns (by default exit 0).
/// </summary>
internal sealed class SchedulerDriver : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly List<(string Pipeline, DateTimeOffset At)> _runs = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource? _gate;
    private volatile bool _blocked;
    private DateTimeOffset _expected;
    private Task? _loop;

    public SchedulerDriver(DateTimeOffset start, Func<string, DateTimeOffset?>? lastRunStart = null, SchedulerOptions? options = null, params (string Name, string Cron, string? Zone)[] pipelines)
    {
        Clock = new FakeTimeProvider(start);
        _expected = start;
        Scheduler = new Scheduler(
            pipelines.Select(p => new ScheduledPipeline(Definition(p.Name), PipelineSchedule.Parse(p.Cron, p.Zone, $"pipelines/{p.Name}.json"))),
            RunAsync, lastRunStart ?? (_ => null), options ?? new SchedulerOptions(), Clock, Log)
        {
            MaxSleep = TimeSpan.FromDays(1),
        };
    }

    public FakeTimeProvider Clock { get; }

    public Scheduler Scheduler { get; }

    public ListLogger Log { get; } = new();

    /// <summary>What a run returns, given the pipeline; exit 0 unless set.</summary>
    public Func<string, RunSummary>? Outcome { get; set; }

    /// <summary>The cancellation token the last run got.</summary>
    public CancellationToken LastRunToken { get; private set; }

    /// <summary>The runs so far: pipeline and the (fake) time each started.</summary>
    public List<(string Pipeline, DateTimeOffset At)> Runs
    {
        get
        {
            lock (_runs) return [.. _runs];
        }
    }

    /// <summary>The start times of the runs of one pipeline, in UTC.</summary>
    public List<DateTimeOffset> RunsOf(string pipeline) => [.. Runs.Where(r => r.Pipeline == pipeline).Select(r => r.At)];

    /// <summary>The loop, once started.</summary>
    public Task Loop => _loop ?? throw new InvalidOperationException("Start first.");

    public static RunSummary Summary(string pipeline, int exitCode = ExitCodes.Done, string? notice = null)
    {
        var summary = new RunSummary { RunId = "20260101T000000Z-000000", Pipeline = pipeline, StartedAt = DateTimeOffset.UnixEpoch, ExitCode = exitCode };
        if (notice is not null) summary.Notices.Add(notice);
        return summary;
    }

    public async Task StartAsync()
    {
        _loop = Scheduler.RunAsync(_stop.Token);
        await SettledAsync();
    }

    /// <summary>Moves the clock to <paramref name="target"/>, stopping at every time the loop wakes up on the way.</summary>
    public async Task AdvanceToAsync(DateTimeOffset target)
    {
        var sleeping = await SettledAsync();
        while (sleeping.Until <= target)
        {
            _expected = sleeping.Until;
            Clock.SetUtcNow(sleeping.Until);
            sleeping = await SettledAsync();
        }
        if (Clock.GetUtcNow() < target) Clock.SetUtcNow(target);
    }

    /// <summary>The next run stays running until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets a held run finish.</summary>
    public void Release()
    {
        var gate = _gate ?? throw new InvalidOperationException("Hold first.");
        _gate = null;
        gate.TrySetResult();
    }

    /// <summary>Lets a held run finish and waits until the loop has taken note.</summary>
    public async Task ReleaseAsync()
    {
        Release();
        await Until(() => !_blocked && Scheduler.Sleeping is { Running: null } s && s.At >= _expected, "the released run to be taken note of");
    }

    /// <summary>Asks the loop to stop (Ctrl+C); the held run, if any, stays held.</summary>
    public Task StopAsync() => _stop.CancelAsync();

    /// <summary>Waits until the loop sleeps at or after the last time the driver moved to, with no run that could end by itself.</summary>
    public async Task<Scheduler.SleepState> SettledAsync()
    {
        Scheduler.SleepState? settled = null;
        await Until(() => Scheduler.Sleeping is { } s && s.At >= _expected && (s.Running is null || _blocked) && (settled = s) is not null, "the scheduler to settle");
        return settled!;
    }

    /// <summary>Polls a condition for a few seconds of real time.</summary>
    public async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (_loop is { IsFaulted: true }) await _loop;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}. Log:\n{Log}");
            await Task.Delay(2);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _gate?.TrySetResult();
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            // A loop stopped with a run going waits for its grace on the fake clock: move it along.
            var deadline = DateTime.UtcNow + Patience;
            while (!_loop.IsCompleted && DateTime.UtcNow < deadline)
            {
                Clock.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(2);
            }
        }
        _stop.Dispose();
    }

    private async Task<RunSummary> RunAsync(PipelineDefinition pipeline, CancellationToken cancellationToken)
    {
        lock (_runs) _runs.Add((pipeline.Name, Clock.GetUtcNow()));
        LastRunToken = cancellationToken;
        if (_gate is { } gate)
        {
            _blocked = true;
            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                _blocked = false;
            }
        }
        return Outcome?.Invoke(pipeline.Name) ?? Summary(pipeline.Name);
    }

    private static PipelineDefinition Definition(string name) => new()
    {
        Name = name,
        Path = $"pipelines/{name}.json",
        Entities = [],
        Settings = new Dictionary<string, string?>(),
    };
}
