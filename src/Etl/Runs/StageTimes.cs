using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Etl.Runs;

/// <summary>Time spent per stage of an entity's run, summed over the threads that work on it; safe to add to from several threads.</summary>
public sealed class StageTimes
{
    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>Adds the time since <paramref name="startedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>) to a stage.</summary>
    public void Add(string stage, long startedAt)
    {
        var elapsed = Stopwatch.GetTimestamp() - startedAt;
        if (_ticks.TryAdd(stage, elapsed)) _order.Enqueue(stage);
        else _ticks.AddOrUpdate(stage, elapsed, (_, total) => total + elapsed);
    }

    /// <summary>Runs <paramref name="work"/> and adds its time to a stage.</summary>
    public T Time<T>(string stage, Func<T> work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            Add(stage, started);
        }
    }

    /// <summary>Runs <paramref name="work"/> and adds its time to a stage.</summary>
    public void Time(string stage, Action work) => Time(stage, () =>
    {
        work();
        return 0;
    });

    /// <summary>The stages in the order they were first timed, as "stage 123 ms" joined with ", ".</summary>
    public override string ToString() => string.Join(", ", _order.Select(stage =>
        string.Create(CultureInfo.InvariantCulture, $"{stage} {Stopwatch.GetElapsedTime(0, _ticks[stage]).TotalMilliseconds:0} ms")));
}
