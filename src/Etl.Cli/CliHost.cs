using Etl.Configuration;
using Etl.Runs;
using Microsoft.Extensions.Logging;

namespace Etl.Cli;

/// <summary>
/// What a command works with: its settings (<see cref="CliConfiguration"/>), the clock and, on first use, its
/// console log. Plain configuration and a logger factory rather than a generic host: a command is a short-lived
/// process, and building a host (dependency injection, lifetime, hosting services) costs it a tenth of a second of
/// start-up. Only etl serve, which lives until stopped, builds a host.
/// </summary>
internal sealed class CliHost : IDisposable
{
    private DeferredLog? _log;

    private CliHost(EtlSettings settings, bool quiet)
    {
        Settings = settings;
        Quiet = quiet;
    }

    /// <summary>The bound and checked settings.</summary>
    public EtlSettings Settings { get; }

    /// <summary>Log warnings and errors only; read when the first logger is created.</summary>
    public bool Quiet { get; set; }

    /// <summary>The clock.</summary>
    public TimeProvider Clock { get; } = TimeProvider.System;

    /// <summary>Reads the settings of a command; a bad setting throws <see cref="ConfigurationException"/>.</summary>
    /// <param name="dataRoot">--data-root, when given.</param>
    /// <param name="pipeline">The pipeline whose settings sit between appsettings.json and the environment.</param>
    /// <param name="quiet">Log warnings and errors only (while progress bars or a printed summary show the rest).</param>
    public static CliHost Build(string? dataRoot, PipelineDefinition? pipeline = null, bool quiet = false) =>
        new(CliConfiguration.Load(dataRoot, pipeline).Settings, quiet);

    /// <summary>
    /// A logger of the console log, in Log:Format. The console log is built on another thread when the first logger is
    /// asked for while the command goes on; what is logged meanwhile is written once it is built (<see cref="DeferredLog"/>).
    /// </summary>
    public ILogger Logger(string category)
    {
        if (_log is null)
        {
            var (format, quiet) = (Settings.Log.Format, Quiet);
            _log = new DeferredLog(Task.Run(() => LoggerFactory.Create(logging => CliConfiguration.ConfigureLogging(logging, format, quiet))));
        }
        return _log.CreateLogger(category);
    }

    /// <summary>Writes what was logged and flushes the console log.</summary>
    public void Dispose() => _log?.Dispose();

    /// <summary>Runs a command body, turning errors into the contract's exit codes and clear messages.</summary>
    public static async Task<int> ExecuteAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync("etl: " + e.Message);
            return ExitCodes.BadConfiguration;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("etl: cancelled.");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"etl: unexpected error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
