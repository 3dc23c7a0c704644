using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Etl.Retention;
using Etl.Runs;

namespace Etl.Cli.Commands;

/// <summary>etl prune [--dry-run]: applies the Retention settings.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be removed; remove nothing." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts instead of text." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("prune", """
            Remove what the Retention settings no longer keep, and print it: snapshots beyond the newest
            Retention:Snapshots per entity (default 30), delivered payloads and receipts in outbox/sent/ older than
            Retention:SentPayloads days (30), report folders and their runs in the history older than Retention:Reports
            days (90), taken drops in drop/erp/<entity>/processed/ older than Retention:ProcessedDrops days (30), and
            delivery-ledger batches and order-trail rows older than Retention:Ledger days (90). Ages are last-write times.

            Never removed: the newest snapshot of an entity, payloads waiting in outbox/, outbox/failed/, drops waiting
            or failed, the baselines, the per-key delivery record, the order checkpoint and the review queue. Holds the
            run lock (exit 4 while a run holds the data root).

            Examples:
              etl prune --dry-run
              etl prune --data-root /srv/etl
              ETL_Retention__Snapshots=7 etl prune
            """)
        {
            dryRun, json, dataRoot,
        };
        command.SetAction(result => CliHost.ExecuteAsync(() =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot), quiet: true);
            var settings = host.Settings;
            using (host)
            {
                var logger = host.Logger("etl.prune");
                var clock = host.Clock;
                var pruned = new Pruner(settings, clock, logger).Run(result.GetValue(dryRun));
                if (pruned.LockedBy is not null)
                {
                    Console.Error.WriteLine($"etl: another run holds the data root {Path.GetFullPath(settings.DataRoot)}: {pruned.LockedBy}. Nothing was removed; try again when it has finished.");
                    return Task.FromResult(ExitCodes.Locked);
                }
                if (result.GetValue(json)) Console.WriteLine(Json(pruned).ToJsonString(new() { WriteIndented = true }));
                else Print(pruned, settings.Retention);
                return Task.FromResult(ExitCodes.Done);
            }
        }));
        return command;
    }

    private static void Print(PruneResult pruned, Configuration.RetentionSettings retention)
    {
        Console.WriteLine($"Retention: snapshots {retention.Snapshots} per entity, sent payloads {retention.SentPayloads} days, reports {retention.Reports} days, processed drops {retention.ProcessedDrops} days, ledger {retention.Ledger} days.");
        if (pruned.Items.Count == 0 && pruned.Rows.Count == 0)
        {
            Console.WriteLine("Nothing to prune.");
            return;
        }
        Console.WriteLine(pruned.DryRun ? "Would remove:" : "Removed:");
        Terminal.Table(["kind", "path", "size"], pruned.Items.Select(i => new[] { i.Kind, i.Path, Size(i.Bytes) }));
        foreach (var rows in pruned.Rows)
        {
            Console.WriteLine($"  {rows.Rows} row(s) of {rows.Table} older than {rows.Before.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        }
        var bytes = pruned.Items.Sum(i => i.Bytes);
        Console.WriteLine($"{(pruned.DryRun ? "Would remove" : "Removed")} {pruned.Items.Count} file(s) and folder(s) ({Size(bytes)}) and {pruned.Rows.Sum(r => r.Rows)} row(s) of state/etl.db.{(pruned.DryRun ? " Nothing was removed (--dry-run)." : "")}");
    }

    private static JsonObject Json(PruneResult pruned) => new()
    {
        ["dry_run"] = pruned.DryRun,
        ["removed"] = new JsonArray([.. pruned.Items.Select(i => (JsonNode)new JsonObject { ["kind"] = i.Kind, ["path"] = i.Path, ["bytes"] = i.Bytes })]),
        ["rows"] = new JsonArray([.. pruned.Rows.Select(r => (JsonNode)new JsonObject
        {
            ["table"] = r.Table, ["rows"] = r.Rows, ["before"] = r.Before.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        })]),
    };

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MiB"),
    };
}
