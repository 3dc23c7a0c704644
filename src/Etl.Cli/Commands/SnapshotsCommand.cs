using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using Etl.Configuration;
using Etl.Entities;
using Etl.Outbound.Snapshots;

namespace Etl.Cli.Commands;

/// <summary>etl snapshots list|show|diff: the Parquet snapshots, for analysts and support.</summary>
internal static class SnapshotsCommand
{
    public static Command Create() => new("snapshots", """
        Look at the Parquet snapshots each run writes (snapshots/<entity>/date=YYYY-MM-DD/<entity>_<run-id>.parquet).

        Examples:
          etl snapshots list
          etl snapshots show inventory --key sku=PIPE-012 --key warehouse=MAIN
          etl snapshots diff inventory 20261129T020000Z-aaaaaa 20261130T020000Z-bbbbbb
        """)
    {
        List(), Show(), Diff(),
    };

    private static Command List()
    {
        var entity = new Argument<string?>("entity") { Description = "Only this entity.", Arity = ArgumentArity.ZeroOrOne };
        var dataRoot = CommonOptions.DataRoot();
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts instead of a table." };
        var command = new Command("list", """
            List the snapshots: entity, run, date, rows, size and path.

            Examples:
              etl snapshots list
              etl snapshots list inventory --json
            """)
        {
            entity, dataRoot, json,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var name = result.GetValue(entity);
                if (name is not null) Schema(name);
                var rows = new List<JsonObject>();
                foreach (var snapshot in SnapshotFile.List(settings.DataRoot, name))
                {
                    rows.Add(new JsonObject
                    {
                        ["entity"] = snapshot.Entity, ["run_id"] = snapshot.RunId, ["date"] = snapshot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        ["rows"] = await snapshot.CountRowsAsync(cancellationToken), ["bytes"] = snapshot.Bytes,
                        ["path"] = Path.GetRelativePath(settings.DataRoot, snapshot.Path),
                    });
                }
                if (result.GetValue(json)) Console.WriteLine(new JsonArray([.. rows]).ToJsonString(new() { WriteIndented = true }));
                else if (rows.Count == 0) Console.WriteLine($"No snapshots in {Path.GetFullPath(settings.DataRoot)}.");
                else Terminal.Table(["entity", "run id", "date", "rows", "size", "path"], rows.Select(r => new[]
                {
                    (string?)r["entity"], (string?)r["run_id"], (string?)r["date"], r["rows"]!.ToString(), Size((long)r["bytes"]!), (string?)r["path"],
                }));
            }
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var entity = new Argument<string>("entity") { Description = "The entity, e.g. inventory." };
        var run = new Option<string?>("--run") { Description = "The run whose snapshot to show; default the newest.", HelpName = "RUN-ID" };
        var keys = new Option<string[]>("--key") { Description = "Only rows whose column has this value, e.g. --key sku=A-1 (repeatable).", HelpName = "COLUMN=VALUE", AllowMultipleArgumentsPerToken = false };
        var limit = new Option<int>("--limit") { Description = "Show at most this many rows.", DefaultValueFactory = _ => 50, HelpName = "N" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV instead of a table." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("show", """
            Show the rows of a snapshot as a table or CSV, with is_valid (false for rows found invalid in that run).

            Examples:
              etl snapshots show inventory
              etl snapshots show list_prices --run 20261130T020000Z-1a2b3c --key sku=PIPE-012 --csv
            """)
        {
            entity, run, keys, limit, csv, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var snapshot = Find(settings.DataRoot, result.GetValue(entity)!, result.GetValue(run));
                var filters = Filters(snapshot, result.GetValue(keys) ?? []);
                var rows = (await snapshot.ReadRowsAsync(cancellationToken)).Where(r => filters.All(f => r[f.Index] == f.Value)).Take(Math.Max(0, result.GetValue(limit))).ToList();
                if (result.GetValue(csv))
                {
                    using var writer = CsvWriter.Create(Console.OpenStandardOutput(), new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
                    writer.WriteHeader([.. snapshot.Columns]);
                    foreach (var row in rows) writer.WriteRecord(row);
                }
                else
                {
                    Console.WriteLine($"{Path.GetRelativePath(settings.DataRoot, snapshot.Path)} ({rows.Count} row(s) shown)");
                    Terminal.Table(snapshot.Columns, rows);
                }
            }
            return 0;
        }));
        return command;
    }

    private static Command Diff()
    {
        var entity = new Argument<string>("entity") { Description = "The entity, e.g. inventory." };
        var runA = new Argument<string>("run-a") { Description = "The earlier run." };
        var runB = new Argument<string>("run-b") { Description = "The later run." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("diff", """
            Compare an entity's snapshots of two runs by key: rows added, removed, and changed (every column, with the
            old and the new value).

            Examples:
              etl snapshots diff inventory 20261129T020000Z-aaaaaa 20261130T020000Z-bbbbbb
            """)
        {
            entity, runA, runB, json, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var name = result.GetValue(entity)!;
                var schema = Schema(name);
                var a = Find(settings.DataRoot, name, result.GetValue(runA));
                var b = Find(settings.DataRoot, name, result.GetValue(runB));
                var before = ByKey(schema, await a.ReadRowsAsync(cancellationToken));
                var after = ByKey(schema, await b.ReadRowsAsync(cancellationToken));
                var columns = a.Columns;
                var changes = new JsonArray();
                foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
                {
                    var old = before.GetValueOrDefault(key);
                    var @new = after.GetValueOrDefault(key);
                    var change = new JsonObject { ["key"] = EntityKey.Display(key) };
                    if (old is null) change["change"] = "added";
                    else if (@new is null) change["change"] = "removed";
                    else
                    {
                        var fields = new JsonObject();
                        for (var i = 0; i < columns.Count; i++)
                        {
                            if (old[i] != @new[i]) fields[columns[i]] = new JsonObject { ["old"] = old[i], ["new"] = @new[i] };
                        }
                        if (fields.Count == 0) continue;
                        change["change"] = "changed";
                        change["fields"] = fields;
                    }
                    changes.Add(change);
                }
                if (result.GetValue(json))
                {
                    Console.WriteLine(changes.ToJsonString(new() { WriteIndented = true }));
                    return 0;
                }
                var counts = changes.GroupBy(c => (string)c!["change"]!).ToDictionary(g => g.Key, g => g.Count());
                Console.WriteLine($"{name}: {counts.GetValueOrDefault("added")} added, {counts.GetValueOrDefault("removed")} removed, {counts.GetValueOrDefault("changed")} changed ({a.RunId} → {b.RunId})");
                Terminal.Table(["change", "key", "column", "old", "new"], changes.SelectMany(c => c!["fields"] is JsonObject fields
                    ? fields.Select(f => new[] { "changed", (string?)c["key"], f.Key, (string?)f.Value!["old"], (string?)f.Value!["new"] })
                    : [new[] { (string?)c["change"], (string?)c["key"], "", "", "" }]));
            }
            return 0;
        }));
        return command;
    }

    private static EntitySchema Schema(string name) => EntityCatalog.Find(name)
        ?? throw new ConfigurationException($"unknown entity '{name}' (known: {string.Join(", ", EntityCatalog.All.Select(e => e.Name))}).");

    private static SnapshotFile Find(string dataRoot, string entity, string? runId)
    {
        Schema(entity);
        var all = SnapshotFile.List(dataRoot, entity);
        var found = runId is null ? all.LastOrDefault() : all.FirstOrDefault(s => s.RunId == runId);
        return found ?? throw new ConfigurationException(runId is null
            ? $"no snapshot of {entity} in {Path.GetFullPath(dataRoot)} yet."
            : $"no snapshot of {entity} from run {runId}; etl snapshots list {entity} shows the runs that have one.");
    }

    private static List<(int Index, string Value)> Filters(SnapshotFile snapshot, string[] keys) =>
        [.. keys.Select(k =>
        {
            var parts = k.Split('=', 2);
            var index = parts.Length == 2 ? snapshot.Columns.ToList().IndexOf(parts[0].Trim()) : -1;
            if (index < 0) throw new ConfigurationException($"--key '{k}': expected COLUMN=VALUE with a column of {snapshot.Entity} ({string.Join(", ", snapshot.Columns)}).");
            return (index, parts[1]);
        })];

    private static Dictionary<string, string?[]> ByKey(EntitySchema schema, List<string?[]> rows)
    {
        var result = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var row in rows) result[EntityKey.Of(row, schema.KeyIndexes)] = row;
        return result;
    }

    private static string Size(long bytes) => bytes < 1024 * 1024
        ? (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
        : (bytes / 1024.0 / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
