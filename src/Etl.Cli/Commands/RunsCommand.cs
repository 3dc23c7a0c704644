using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Etl.Runs;
using Etl.State;

namespace Etl.Cli.Commands;

/// <summary>etl runs [--last N] and etl runs show &lt;run-id&gt;: the run history.</summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var dataRoot = CommonOptions.DataRoot();
        var last = new Option<int>("--last") { Description = "How many runs to list, newest first.", DefaultValueFactory = _ => 20, HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts instead of a table." };
        var command = new Command("runs", """
            List the last runs: id, pipeline, start, duration, outcome and counts (records read, changes sent, invalid
            records, orders created or linked, payloads delivered).

            Examples:
              etl runs
              etl runs --last 5 --json
              etl runs show 20261130T020000Z-1a2b3c
            """)
        {
            dataRoot, last, json, Show(),
        };
        command.SetAction(result => CliHost.ExecuteAsync(() =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            using (var state = StateStore.Open(settings.DataRoot))
            {
                var runs = state.Runs(Math.Max(1, result.GetValue(last)));
                if (result.GetValue(json))
                {
                    Console.WriteLine(new JsonArray([.. runs.Select(r => (JsonNode)Describe(r))]).ToJsonString(new() { WriteIndented = true }));
                    return Task.FromResult(0);
                }
                if (runs.Count == 0)
                {
                    Console.WriteLine($"No runs yet in {Path.GetFullPath(settings.DataRoot)}.");
                    return Task.FromResult(0);
                }
                Terminal.Table(["run id", "pipeline", "started (UTC)", "duration", "outcome", "read", "sent", "invalid", "orders", "delivered"],
                    runs.Select(r => Describe(r)).Select(d => new[]
                    {
                        (string?)d["run_id"], (string?)d["pipeline"], ((string?)d["started_at"])?.Replace('T', ' ').TrimEnd('Z'),
                        d["duration_seconds"] is { } s ? ((double)s).ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-", (string?)d["outcome"],
                        Count(d, "read"), Count(d, "sent"), Count(d, "invalid"), Count(d, "orders"), Count(d, "delivered"),
                    }));
            }
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Show()
    {
        var dataRoot = CommonOptions.DataRoot();
        var runId = new Argument<string>("run-id") { Description = "The run id, as etl runs lists it." };
        var json = new Option<bool>("--json") { Description = "Print the run's summary.json." };
        var show = new Command("show", """
            Show one run: per entity and stage counts, what failed or stopped and why, the order import and the
            delivery, and where its reports are.

            Examples:
              etl runs show 20261130T020000Z-1a2b3c
              etl runs show 20261130T020000Z-1a2b3c --json
            """)
        {
            runId, dataRoot, json,
        };
        show.SetAction(result => CliHost.ExecuteAsync(() =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            using (var state = StateStore.Open(settings.DataRoot))
            {
                var id = result.GetValue(runId)!;
                var run = state.Run(id) ?? throw new Configuration.ConfigurationException($"no run '{id}' in {Path.GetFullPath(settings.DataRoot)}; etl runs lists them.");
                var folder = RunReports.FolderOf(settings.DataRoot, id);
                if (result.GetValue(json))
                {
                    Console.WriteLine(run.SummaryJson ?? Describe(run).ToJsonString(new() { WriteIndented = true }));
                    return Task.FromResult(0);
                }
                var text = Path.Combine(folder, "summary.txt");
                if (run.SummaryJson is null || !File.Exists(text))
                {
                    Console.WriteLine($"Run {id} of pipeline '{run.Pipeline}' started {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z and {Outcome(run)}; it left no summary.");
                    return Task.FromResult(0);
                }
                Console.Write(File.ReadAllText(text));
                Console.WriteLine();
                Console.WriteLine($"Reports: {Path.GetFullPath(folder)}");
                foreach (var file in Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)) Console.WriteLine($"  {file}");
            }
            return Task.FromResult(0);
        }));
        return show;
    }

    private static JsonObject Describe(RunRecord run)
    {
        var summary = run.SummaryJson is null ? null : JsonNode.Parse(run.SummaryJson);
        var entities = summary?["entities"]?.AsObject().Select(e => e.Value!).ToList() ?? [];
        long Sum(string key) => entities.Sum(e => e[key]?.GetValue<long>() ?? 0);
        var orders = summary?["orders"];
        return new JsonObject
        {
            ["run_id"] = run.RunId,
            ["pipeline"] = run.Pipeline,
            ["started_at"] = run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["duration_seconds"] = run.FinishedAt is { } f ? Math.Round((f - run.StartedAt).TotalSeconds, 1) : null,
            ["exit_code"] = run.ExitCode,
            ["outcome"] = Outcome(run),
            ["read"] = summary is null ? null : Sum("read"),
            ["sent"] = summary is null ? null : Sum("records_written"),
            ["invalid"] = summary is null ? null : Sum("invalid"),
            ["orders"] = orders is null ? null : (orders["created"]?.GetValue<int>() ?? 0) + (orders["linked"]?.GetValue<int>() ?? 0),
            ["delivered"] = summary?["upload"]?["sent"]?.GetValue<int>(),
        };
    }

    private static string? Count(JsonObject run, string key) => run[key]?.ToString() ?? "-";

    private static string Outcome(RunRecord run) => run.ExitCode switch
    {
        null => "did not finish (killed or still running)",
        ExitCodes.Done => "done",
        ExitCodes.Failed => "failed",
        ExitCodes.BadConfiguration => "bad configuration",
        ExitCodes.PartlyFailed => "done with failures",
        ExitCodes.Locked => "locked out",
        var code => $"exit {code}",
    };
}
