using System.Collections.Concurrent;
using Etl.Runs;
using Spectre.Console;

namespace Etl.Cli;

/// <summary>
/// Progress bars per entity and stage while a run works, when stdout is a terminal (Spectre.Console). Each entity
/// gets one line: its current stage, a bar over the rows of the drop, and how many rows are done.
/// </summary>
internal sealed class TerminalProgress(ProgressContext context) : IRunProgress
{
    private readonly ConcurrentDictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

    /// <summary>Whether progress bars make sense here: an interactive terminal and the plain log.</summary>
    public static bool Wanted(string logFormat) =>
        logFormat == "plain" && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> under a live progress display.</summary>
    public static Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new TerminalProgress(context)));

    /// <inheritdoc />
    public void Stage(string entity, string stage, long? rows = null)
    {
        var task = Task(entity);
        task.Description = Describe(entity, stage);
        if (rows is { } total)
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(1, total);
            task.Value = 0;
        }
        else
        {
            task.IsIndeterminate = stage != "publish";
        }
    }

    /// <inheritdoc />
    public void Advance(string entity, long rows) => Task(entity).Increment(rows);

    /// <inheritdoc />
    public void Finished(string entity, string status)
    {
        var task = Task(entity);
        task.IsIndeterminate = false;
        task.Value = task.MaxValue;
        task.Description = Describe(entity, status);
        task.StopTask();
    }

    private ProgressTask Task(string entity) => _tasks.GetOrAdd(entity, name => context.AddTask(Describe(name, "waiting"), autoStart: true, maxValue: 1));

    private static string Describe(string entity, string stage) => Markup.Escape($"{entity,-13} {stage,-8}");
}
