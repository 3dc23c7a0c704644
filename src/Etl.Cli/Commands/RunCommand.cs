using System.CommandLine;
using System.Globalization;
using Etl.Configuration;
using Etl.Outbound;
using Etl.Runs;
using Etl.State;

namespace Etl.Cli.Commands;

/// <summary>etl run &lt;pipeline&gt;: one run of a pipeline.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var pipeline = new Argument<string>("pipeline") { Description = "A pipeline name (pipelines/<name>.json in the current directory) or the path of a pipeline file." };
        var dataRoot = CommonOptions.DataRoot();
        var only = new Option<string?>("--only") { Description = "Run only these entities (and/or orders), comma-separated, e.g. inventory,list_prices.", HelpName = "a,b,..." };
        var noUpload = new Option<bool>("--no-upload") { Description = "Leave the payloads in outbox/ instead of draining it at the end." };
        var fullResync = new Option<bool>("--full-resync") { Description = "Send every valid record, not only changes (plus deletes for keys the ERP no longer has)." };
        var allowMassRemoval = new Option<bool>("--allow-mass-removal") { Description = "Let an empty drop or a drop removing many records through the guards." };
        var since = new Option<string?>("--since") { Description = "Re-read portal orders from this time (ISO 8601 with Z or an offset) without moving the checkpoint back.", HelpName = "UTC-TIME" };
        var command = new Command("run", """
            Run a pipeline: extract each entity's drop or query, write its Parquet snapshot, diff it against what the
            portal holds, validate the changes and publish them as payloads in outbox/.

            Examples:
              etl run nightly
              etl run intraday --only inventory --no-upload
              etl run pipelines/nightly.json --data-root /srv/etl --allow-mass-removal
            """)
        {
            pipeline, dataRoot, only, noUpload, fullResync, allowMassRemoval, since,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var definition = PipelineLoader.Load(PipelineLoader.Resolve(result.GetValue(pipeline)!, Directory.GetCurrentDirectory(), AppContext.BaseDirectory));
            var request = new RunRequest
            {
                Only = (result.GetValue(only) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
                NoUpload = result.GetValue(noUpload),
                FullResync = result.GetValue(fullResync),
                AllowMassRemoval = result.GetValue(allowMassRemoval),
                Since = ParseSince(result.GetValue(since)),
            };
            return await RunAsync(definition, request, result.GetValue(dataRoot), cancellationToken);
        }));
        return command;
    }

    /// <summary>
    /// Runs a pipeline and prints its summary; shared with etl demo. Meanwhile, on another thread, SQLite is loaded
    /// (<see cref="StateDatabase.WarmUp"/>), the code the pipeline's outbound entities need first is warmed up
    /// (<see cref="OutboundWarmUp"/>), and so is the reports' (<see cref="RunReports.WarmUp"/>).
    /// </summary>
    public static async Task<int> RunAsync(PipelineDefinition definition, RunRequest request, string? dataRoot, CancellationToken cancellationToken)
    {
        var outbound = definition.Entities.Select(e => e.Name).Where(request.Includes).ToList();
        // On a thread of its own, as the baseline load: queued for the pool, the run's first steps waited behind it.
        var warming = Task.Factory.StartNew(async () =>
        {
            StateDatabase.WarmUp();
            if (outbound.Count > 0) await OutboundWarmUp.RunAsync(outbound, cancellationToken);
            RunReports.WarmUp();
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        try
        {
            return await RunAndPrintAsync(definition, request, dataRoot, cancellationToken);
        }
        finally
        {
            await warming;
        }
    }

    private static async Task<int> RunAndPrintAsync(PipelineDefinition definition, RunRequest request, string? dataRoot, CancellationToken cancellationToken)
    {
        using var cli = CliHost.Build(dataRoot, definition);
        var settings = cli.Settings;
        // Progress bars on a terminal show what the log would say; the log keeps to warnings and errors then.
        var interactive = TerminalProgress.Wanted(settings.Log.Format);
        cli.Quiet = interactive;
        var logger = cli.Logger("etl");
        var summary = interactive
            ? await TerminalProgress.RunAsync(progress => new RunEngine(settings, cli.Clock, logger, progress).RunAsync(definition, request, cancellationToken))
            : await new RunEngine(settings, cli.Clock, logger).RunAsync(definition, request, cancellationToken);
        if (summary.ExitCode == ExitCodes.Locked)
        {
            await Console.Error.WriteLineAsync("etl: " + summary.Notices[0]);
            return summary.ExitCode;
        }
        Console.WriteLine();
        Console.Write(RunReports.Text(summary));
        return summary.ExitCode;
    }

    private static DateTimeOffset? ParseSince(string? text)
    {
        if (text is null) return null;
        var hasZone = text.EndsWith('Z') || text.EndsWith("z", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$");
        if (hasZone && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var since)) return since.ToUniversalTime();
        throw new ConfigurationException($"--since '{text}' is not an ISO 8601 time with Z or an offset (e.g. 2026-11-30T02:00:00Z).");
    }
}
