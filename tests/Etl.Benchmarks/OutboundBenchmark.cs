using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Etl.Benchmarks;

/// <summary>
/// The outbound benchmark: the pipeline's intraday inventory run against DuckDB doing the same job on the same
/// files, each in its own child process, alternating round by round (etl first in odd rounds, DuckDB first in even
/// ones) so that a noisy machine weighs on both.
/// </summary>
internal static class OutboundBenchmark
{
    private static readonly TimeSpan Timeout = TimeSpan.FromHours(3);

    public static async Task<int> RunAsync(Options options)
    {
        options.Only("--rows", "--rounds", "--work-dir", "--duckdb-compression", "--etl-env", "--keep");
        var rows = options.Long("--rows", 1_000_000, min: 100);
        var rounds = (int)options.Long("--rounds", 3);
        var compression = (options.String("--duckdb-compression") ?? "snappy").ToLowerInvariant();
        if (compression is not ("snappy" or "zstd")) throw new UsageException("--duckdb-compression must be snappy or zstd.");
        var work = Path.GetFullPath(options.String("--work-dir") ?? Path.Combine(Path.GetTempPath(), $"etl-bench-outbound-{rows}"));
        var etlEnvironment = EtlEnvironment(options.All("--etl-env"));
        var tools = Tools.Locate();

        Report.Line($"outbound benchmark: {rows:N0} rows, {rounds} round(s), {Environment.ProcessorCount} cores, work dir {work}");
        if (tools.DebugBuild) Report.Line("WARNING: this is a Debug build; run with -c Release for figures worth quoting.");
        if (etlEnvironment.Count > 0) Report.Line($"etl child environment: {string.Join(' ', etlEnvironment.Select(e => $"{e.Key}={e.Value}"))}");

        var generating = System.Diagnostics.Stopwatch.StartNew();
        var stats = InventoryData.Ensure(Path.Combine(work, "input"), rows);
        Report.Line($"drops: day 1 {stats.Day1Rows:N0} rows ({Report.MiB(stats.Day1Bytes)}), day 2 {stats.Day2Rows:N0} rows ({Report.MiB(stats.Day2Bytes)}): "
            + $"{stats.Changed:N0} changed ({stats.Invalid} of them invalid), {stats.Removed:N0} removed, {stats.Added:N0} added ({generating.Elapsed.TotalSeconds:0.0} s)");
        Report.Line($"DuckDB: Parquet {compression.ToUpperInvariant()}, 131,072 rows per row group; peak memory = VmHWM of each child, polled every 10 ms");
        Report.Line("");

        var loads = new List<string>();
        var etlRuns = new List<EtlRun>();
        var duckRuns = new List<ChildResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var etlFirst = round % 2 == 1;
            loads.Add(ChildProcess.LoadAverage());
            for (var side = 0; side < 2; side++)
            {
                if ((side == 0) == etlFirst)
                {
                    var run = await RunEtlAsync(tools, work, stats, etlEnvironment);
                    etlRuns.Add(run);
                    Report.Line($"round {round}  etl     {Line(stats, run.Timed)}  (baseline run {Report.Seconds(run.Baseline.Wall)}, {Report.MiB(run.Baseline.PeakBytes)})");
                }
                else
                {
                    var run = await RunDuckDbAsync(tools, work, stats, compression);
                    duckRuns.Add(run);
                    Report.Line($"round {round}  duckdb  {Line(stats, run)}");
                }
            }
            if (round == 1) CompareChanges(work, etlRuns[^1].RunId);
        }

        loads.Add(ChildProcess.LoadAverage());
        var etlTime = Median(etlRuns.Select(r => r.Timed.Wall.TotalSeconds));
        var etlCpu = Median(etlRuns.Select(r => r.Timed.Cpu.TotalSeconds));
        var etlPeak = Median(etlRuns.Select(r => (double)r.Timed.PeakBytes));
        var duckTime = Median(duckRuns.Select(r => r.Wall.TotalSeconds));
        var duckCpu = Median(duckRuns.Select(r => r.Cpu.TotalSeconds));
        var duckPeak = Median(duckRuns.Select(r => (double)r.PeakBytes));
        Report.Line("");
        Report.Line($"median of {rounds} round(s), day 2 = {stats.Day2Rows:N0} rows (1-minute load average at the rounds' starts and the end: {string.Join(", ", loads)}):");
        Report.Line($"  etl     {etlTime,8:0.00} s  {stats.Day2Rows / etlTime,12:N0} rows/s  cpu {etlCpu,7:0.00} s  peak {Report.MiB((long)etlPeak),10}");
        Report.Line($"  duckdb  {duckTime,8:0.00} s  {stats.Day2Rows / duckTime,12:N0} rows/s  cpu {duckCpu,7:0.00} s  peak {Report.MiB((long)duckPeak),10}");
        Report.Line($"  etl/duckdb: time {etlTime / duckTime:0.00}x, cpu {etlCpu / duckCpu:0.00}x, peak memory {etlPeak / duckPeak:0.00}x ({(etlPeak - duckPeak) / (1 << 20):+0;-0} MiB)");

        var last = etlRuns[^1];
        Report.Line("");
        Report.Line($"etl's own figures for the timed run (reports/<run-id>/summary.json, last round): {last.Counts.ToJsonString()}");
        Report.Line("etl's phases from its log timestamps (median; ms resolution):");
        foreach (var phase in EtlRun.PhaseNames)
        {
            var values = etlRuns.Select(r => r.Phases.GetValueOrDefault(phase, double.NaN)).Where(v => !double.IsNaN(v)).ToList();
            Report.Line($"  {phase,-66} {(values.Count == 0 ? "n/a" : $"{Median(values),7:0.00} s")}");
        }
        Report.Line("the inventory entity's stages, from its own counters (the \"time per stage\" log line; median; the graph's");
        Report.Line("stages run on their own threads at the same time, so they add up to more than the entity's wall time):");
        foreach (var stage in etlRuns.SelectMany(r => r.Stages.Keys).Distinct())
        {
            var values = etlRuns.Select(r => r.Stages.GetValueOrDefault(stage, double.NaN)).Where(v => !double.IsNaN(v)).ToList();
            Report.Line($"  {stage,-66} {Median(values),7:0.00} s");
        }
        Report.Line($"snapshot of day 2: etl {Report.MiB(last.SnapshotBytes)}, duckdb {Report.MiB(new FileInfo(Path.Combine(work, "duckdb", "day2.parquet")).Length)}");

        var results = new JsonObject
        {
            ["rows"] = stats.Day2Rows,
            ["rounds"] = rounds,
            ["duckdb_compression"] = compression,
            ["etl_env"] = new JsonObject(etlEnvironment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
            ["load_averages"] = new JsonArray([.. loads.Select(l => (JsonNode?)l)]),
            ["etl"] = Side(etlRuns.Select(r => r.Timed)),
            ["duckdb"] = Side(duckRuns),
        };
        File.WriteAllText(Path.Combine(work, "results.json"), results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Report.Line($"results: {Path.Combine(work, "results.json")}");

        if (!options.Has("--keep"))
        {
            Directory.Delete(Path.Combine(work, "etl"), recursive: true);
            Directory.Delete(Path.Combine(work, "duckdb"), recursive: true);
        }
        return 0;
    }

    private static string Line(DropStats stats, ChildResult run) =>
        $"{Report.Seconds(run.Wall),9}  {Report.Rate(stats.Day2Rows, run.Wall),12} rows/s  cpu {Report.Seconds(run.Cpu),9}  peak {Report.MiB(run.PeakBytes),10}";

    private static JsonObject Side(IEnumerable<ChildResult> runs)
    {
        var list = runs.ToList();
        return new JsonObject
        {
            ["median_seconds"] = Median(list.Select(r => r.Wall.TotalSeconds)),
            ["median_cpu_seconds"] = Median(list.Select(r => r.Cpu.TotalSeconds)),
            ["median_peak_bytes"] = Median(list.Select(r => (double)r.PeakBytes)),
            ["seconds"] = Array(list.Select(r => r.Wall.TotalSeconds)),
            ["cpu_seconds"] = Array(list.Select(r => r.Cpu.TotalSeconds)),
            ["peak_bytes"] = Array(list.Select(r => (double)r.PeakBytes)),
        };
    }

    private static JsonArray Array(IEnumerable<double> values) => [.. values.Select(v => (JsonNode?)v)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>--etl-env NAME=VALUE pairs: variables for the etl child only.</summary>
    internal static Dictionary<string, string?> EtlEnvironment(IReadOnlyList<string> pairs)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new UsageException($"--etl-env takes NAME=VALUE (got '{pair}').");
            result[pair[..equals]] = pair[(equals + 1)..];
        }
        return result;
    }

    /// <summary>One timed etl run (with its untimed baseline) and what it reported.</summary>
    private sealed record EtlRun(ChildResult Baseline, ChildResult Timed, string RunId, JsonNode Counts, Dictionary<string, double> Phases,
        Dictionary<string, double> Stages, long SnapshotBytes)
    {
        public static readonly string[] PhaseNames =
        [
            "start-up: process start to \"Run ... started\"",
            "inventory: run started to its \"read ...\" line (graph, publish)",
            "run end: reports, run history, \"Run ... finished\"",
            "exit: \"Run ... finished\" to process exit",
        ];
    }

    private static async Task<EtlRun> RunEtlAsync(Tools tools, string work, DropStats stats, Dictionary<string, string?> extraEnvironment)
    {
        var root = Path.Combine(work, "etl");
        Fresh(root);
        var drops = Path.Combine(root, "drop", "erp", "inventory");
        Directory.CreateDirectory(drops);
        var environment = new Dictionary<string, string?>(extraEnvironment) { ["ETL_Log__Format"] = "json" };
        string[] run = [tools.EtlDll, "run", "intraday", "--only", "inventory", "--no-upload", "--data-root", root];

        Lay(Path.Combine(work, "input", "day1.csv"), Path.Combine(drops, "inventory_day1.csv"));
        var baseline = await ChildProcess.RunAsync(run, tools.RepositoryRoot, environment, Timeout);
        if (baseline.ExitCode != 0) throw new BenchmarkFailedException($"the baseline etl run failed: {baseline}");

        Lay(Path.Combine(work, "input", "day2.csv"), Path.Combine(drops, "inventory_day2.csv"));
        var timed = await ChildProcess.RunAsync(run, tools.RepositoryRoot, environment, Timeout);
        if (timed.ExitCode != 0) throw new BenchmarkFailedException($"the timed etl run failed: {timed}");

        var reports = Directory.GetDirectories(Path.Combine(root, "reports")).Order(StringComparer.Ordinal).ToList();
        if (reports.Count != 2) throw new BenchmarkFailedException($"expected 2 run reports in {root}/reports, found {reports.Count}");
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(reports[^1], "summary.json")))!;
        var counts = summary["entities"]!["inventory"]!;
        Expect(counts, "read", stats.Day2Rows);
        Expect(counts, "added", stats.Added);
        Expect(counts, "changed", stats.ChangedValid);
        Expect(counts, "removed", stats.Removed);
        Expect(counts, "invalid", stats.Invalid);
        Expect(counts, "unchanged", stats.Unchanged);
        Expect(counts, "records_written", stats.Upserts + stats.Removed);

        var snapshot = Directory.GetFiles(Path.Combine(root, "snapshots", "inventory"), "*.parquet", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.GetFileName(reports[^1]), StringComparison.Ordinal)).Select(f => new FileInfo(f).Length).Single();
        return new EtlRun(baseline, timed, Path.GetFileName(reports[^1]), counts.DeepClone(), Phases(timed), Stages(timed), snapshot);
    }

    private static void Expect(JsonNode counts, string name, long expected)
    {
        var actual = counts[name]!.GetValue<long>();
        if (actual != expected) throw new BenchmarkFailedException($"etl's summary says {name} = {actual}, the generated drops have {expected} ({counts.ToJsonString()})");
    }

    /// <summary>The entity's own stage times: "inventory: time per stage (summed over threads): read 123 ms, diff 45 ms, ...".</summary>
    private static Dictionary<string, double> Stages(ChildResult run)
    {
        const string Marker = "inventory: time per stage (summed over threads): ";
        var stages = new Dictionary<string, double>();
        foreach (var message in Messages(run).Select(m => m.Message).Where(m => m.StartsWith(Marker, StringComparison.Ordinal)))
        {
            foreach (var part in message[Marker.Length..].Split(", "))
            {
                var words = part.Split(' ');
                stages[string.Join(' ', words[..^2])] = double.Parse(words[^2], CultureInfo.InvariantCulture) / 1000;
            }
        }
        return stages;
    }

    /// <summary>The log messages of a run (JSON log format), with their UTC timestamps.</summary>
    private static IEnumerable<(DateTimeOffset At, string Message)> Messages(ChildResult run)
    {
        foreach (var line in run.Stdout.Split('\n').Concat(run.Stderr.Split('\n')))
        {
            if (!line.StartsWith('{')) continue;
            JsonNode? entry;
            try
            {
                entry = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }
            var message = entry?["Message"]?.GetValue<string>();
            if (message is null || entry!["Timestamp"]?.GetValue<string>() is not { } stamp) continue;
            yield return (DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), message);
        }
    }

    /// <summary>The phases of a run between its log lines (JSON log format, UTC timestamps to the millisecond).</summary>
    private static Dictionary<string, double> Phases(ChildResult run)
    {
        DateTimeOffset? started = null, entity = null, finished = null;
        foreach (var (at, message) in Messages(run))
        {
            if (message.StartsWith("Run ", StringComparison.Ordinal) && message.Contains(" started", StringComparison.Ordinal)) started ??= at;
            else if (message.StartsWith("inventory: read ", StringComparison.Ordinal)) entity ??= at;
            else if (message.StartsWith("Run ", StringComparison.Ordinal) && message.Contains(" finished", StringComparison.Ordinal)) finished ??= at;
        }
        var exit = run.StartedAt + run.Wall;
        var phases = new Dictionary<string, double>();
        void Add(int index, DateTimeOffset? from, DateTimeOffset? to)
        {
            if (from is { } f && to is { } t) phases[EtlRun.PhaseNames[index]] = (t - f).TotalSeconds;
        }
        Add(0, run.StartedAt, started);
        Add(1, started, entity);
        Add(2, entity, finished);
        Add(3, finished, exit);
        return phases;
    }

    private static async Task<ChildResult> RunDuckDbAsync(Tools tools, string work, DropStats stats, string compression)
    {
        var root = Path.Combine(work, "duckdb");
        Fresh(root);
        Lay(Path.Combine(work, "input", "day1.csv"), Path.Combine(root, "day1.csv"));
        var baseline = await ChildProcess.RunAsync(
            [tools.BenchmarkDll, "duckdb-worker", "snapshot", "--csv", Path.Combine(root, "day1.csv"), "--parquet", Path.Combine(root, "day1.parquet"), "--compression", compression],
            root, null, Timeout);
        if (baseline.ExitCode != 0) throw new BenchmarkFailedException($"the DuckDB baseline failed: {baseline}");

        Lay(Path.Combine(work, "input", "day2.csv"), Path.Combine(root, "day2.csv"));
        var changes = Path.Combine(root, "changes.json");
        var timed = await ChildProcess.RunAsync(
            [tools.BenchmarkDll, "duckdb-worker", "diff", "--csv", Path.Combine(root, "day2.csv"), "--previous", Path.Combine(root, "day1.parquet"),
                "--parquet", Path.Combine(root, "day2.parquet"), "--changes", changes, "--compression", compression],
            root, null, Timeout);
        if (timed.ExitCode != 0) throw new BenchmarkFailedException($"the DuckDB diff failed: {timed}");

        var (upserts, deletes) = DuckDbWorker.CountChanges(changes);
        if (upserts != stats.Upserts || deletes != stats.Removed)
        {
            throw new BenchmarkFailedException($"DuckDB found {upserts} upserts and {deletes} deletes, the generated drops have {stats.Upserts} and {stats.Removed}");
        }
        return timed;
    }

    /// <summary>Checks, once, that both sides found exactly the same changes (op, key and qty_available).</summary>
    private static void CompareChanges(string work, string runId)
    {
        var etl = new HashSet<string>(StringComparer.Ordinal);
        // --no-upload leaves the baseline run's payloads in outbox/ too: only the timed run's count.
        foreach (var file in Directory.GetFiles(Path.Combine(work, "etl", "outbox"), $"*_inventory_{runId}_*.json").Where(f => !Path.GetFileName(f).StartsWith('.')))
        {
            foreach (var record in JsonNode.Parse(File.ReadAllText(file))!["records"]!.AsArray())
            {
                etl.Add(Change(record!));
            }
        }
        var duck = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(work, "duckdb", "changes.json")))
        {
            if (line.Length > 0) duck.Add(Change(JsonNode.Parse(line)!));
        }
        if (!etl.SetEquals(duck))
        {
            var onlyEtl = etl.Except(duck).Take(5);
            var onlyDuck = duck.Except(etl).Take(5);
            throw new BenchmarkFailedException($"etl and DuckDB disagree: only etl {string.Join("; ", onlyEtl)}; only DuckDB {string.Join("; ", onlyDuck)}");
        }
        Report.Line($"         both sides sent the same {etl.Count:N0} changes (op, key, qty_available)");
    }

    private static string Change(JsonNode record)
    {
        var op = record["op"]!.GetValue<string>();
        var available = op == "delete" ? "" : record["qty_available"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
        return $"{op}|{record["sku"]!.GetValue<string>()}|{record["warehouse"]!.GetValue<string>()}|{available}";
    }

    private static void Fresh(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
    }

    /// <summary>Lays a drop (a copy, as an ERP export writes a new file) with its .done marker.</summary>
    private static void Lay(string source, string target)
    {
        File.Copy(source, target, overwrite: true);
        File.WriteAllText(target + ".done", "");
    }
}
