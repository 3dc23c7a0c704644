namespace Etl.Runs;

/// <summary>
/// The time one kind of work (of the order import, of an entity's graph) took: how often it ran, the sum of its durations, and its busy
/// time (the wall time during which at least one of it was running; calls that overlap count once). Thread-safe.
/// A stage may roll up into a parent (page reads and back-updates into HTTP), whose busy time is then the union.
/// </summary>
public sealed class StageTiming(string name, TimeProvider clock, StageTiming? parent = null)
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock = clock;
    private int _inFlight;
    private long _busySince;
    private TimeSpan _busy;
    private TimeSpan _summed;
    private int _count;

    /// <summary>What this stage is, for messages.</summary>
    public string Name => name;

    /// <summary>How many times it ran.</summary>
    public int Count { get { lock (_gate) return _count; } }

    /// <summary>The wall time during which at least one run of it was in progress.</summary>
    public TimeSpan Busy { get { lock (_gate) return _busy; } }

    /// <summary>The durations of its runs added up (more than <see cref="Busy"/> when they overlap).</summary>
    public TimeSpan Summed { get { lock (_gate) return _summed; } }

    /// <summary>Starts one run of the stage; dispose the scope when it ends.</summary>
    public Scope Start()
    {
        var now = _clock.GetTimestamp();
        Enter(now);
        return new Scope(this, now);
    }

    private void Enter(long now)
    {
        parent?.Enter(now);
        lock (_gate)
        {
            if (_inFlight++ == 0) _busySince = now;
        }
    }

    private void Exit(long started, long now)
    {
        lock (_gate)
        {
            _count++;
            _summed += _clock.GetElapsedTime(started, now);
            if (--_inFlight == 0) _busy += _clock.GetElapsedTime(_busySince, now);
        }
        parent?.Exit(started, now);
    }

    /// <summary>One run of a stage, ended by <see cref="Dispose"/>.</summary>
    public readonly struct Scope(StageTiming stage, long started) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => stage?.Exit(started, stage._clock.GetTimestamp());
    }
}
