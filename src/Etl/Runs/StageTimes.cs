using System.Globalization;

namespace Etl.Runs;

/// <summary>An entity's <see cref="StageTiming"/>s by name, in the order they were first used; safe to use from several threads.</summary>
public sealed class StageTimes
{
    private readonly Lock _gate = new();
    private readonly List<StageTiming> _stages = [];

    /// <summary>Starts one run of a stage; dispose the scope when it ends.</summary>
    public StageTiming.Scope Start(string stage)
    {
        lock (_gate)
        {
            var timing = _stages.Find(s => s.Name == stage);
            if (timing is null) _stages.Add(timing = new StageTiming(stage, TimeProvider.System));
            return timing.Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> as one run of a stage.</summary>
    public T Time<T>(string stage, Func<T> work)
    {
        using (Start(stage)) return work();
    }

    /// <summary>Runs <paramref name="work"/> as one run of a stage.</summary>
    public void Time(string stage, Action work)
    {
        using (Start(stage)) work();
    }

    /// <summary>Each stage's runs added up, as "stage 123 ms" joined with ", ".</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join(", ", _stages.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Summed.TotalMilliseconds:0} ms")));
        }
    }
}
