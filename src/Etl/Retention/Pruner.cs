using System.Globalization;
using System.Text.RegularExpressions;
using Etl.Configuration;
using Etl.Entities;
using Etl.Outbound.Snapshots;
using Etl.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Etl.Retention;

/// <summary>
/// Applies the Retention settings under the run lock: snapshots beyond the newest Retention:Snapshots per entity,
/// delivered payloads and their receipts in outbox/sent/ older than Retention:SentPayloads days, report folders (and
/// their runs in the run history) older than Retention:Reports days, taken drops in processed/ older than
/// Retention:ProcessedDrops days, and delivery-ledger batches and order-trail rows older than Retention:Ledger days.
/// A file's age is its last write (a folder's, that of its newest file). Never touched: the newest snapshot of an
/// entity, payloads waiting in outbox/, outbox/failed/, drops waiting or failed, temp files, the baselines, the
/// per-key delivery record (one row per key, what keeps an old re-dropped payload from rolling newer records back),
/// the order checkpoint, the review queue and parked back-updates.
/// </summary>
public sealed partial class Pruner(EtlSettings settings, TimeProvider clock, ILogger logger)
{
    private string DataRoot => settings.DataRoot;

    /// <summary>Prunes (or lists what it would prune); returns with <see cref="PruneResult.LockedBy"/> set when another run holds the data root.</summary>
    public PruneResult Run(bool dryRun)
    {
        var result = new PruneResult { DryRun = dryRun };
        var now = clock.GetUtcNow();
        using var runLock = RunLock.TryAcquire(DataRoot, new RunLockHolder("prune", Runs.RunEngine.NewRunId(now), now, Environment.ProcessId), out var holder);
        if (runLock is null)
        {
            result.LockedBy = holder;
            return result;
        }
        var retention = settings.Retention;
        Snapshots(retention.Snapshots, result);
        SentPayloads(now - TimeSpan.FromDays(retention.SentPayloads), result);
        var removedRuns = Reports(now - TimeSpan.FromDays(retention.Reports), result);
        ProcessedDrops(now - TimeSpan.FromDays(retention.ProcessedDrops), result);
        StateRows(now - TimeSpan.FromDays(retention.Ledger), now - TimeSpan.FromDays(retention.Reports), removedRuns, result);
        foreach (var item in result.Items) logger.LogInformation("prune: {Action} {Kind} {Path}", dryRun ? "would remove" : "removed", item.Kind, item.Path);
        foreach (var rows in result.Rows) logger.LogInformation("prune: {Action} {Rows} row(s) of {Table}", dryRun ? "would remove" : "removed", rows.Rows, rows.Table);
        return result;
    }

    private void Snapshots(int keep, PruneResult result)
    {
        foreach (var schema in EntityCatalog.All)
        {
            var snapshots = SnapshotFile.List(DataRoot, schema.Name);
            foreach (var snapshot in snapshots.Take(Math.Max(0, snapshots.Count - Math.Max(1, keep))))
            {
                Remove(result, "snapshot", snapshot.Path, isFolder: false);
                RemoveIfEmpty(result, Path.GetDirectoryName(snapshot.Path)!);
            }
        }
    }

    private void SentPayloads(DateTimeOffset cutoff, PruneResult result)
    {
        var sent = Path.Combine(DataRoot, "outbox", "sent");
        if (!Directory.Exists(sent)) return;
        foreach (var folder in Directory.GetDirectories(sent).Where(d => DateFolder().IsMatch(Path.GetFileName(d))).Order(StringComparer.Ordinal))
        {
            // A payload and its receipt go together, judged by the newer of the two.
            var groups = new DirectoryInfo(folder).GetFiles()
                .Where(f => !f.Name.StartsWith('.') && !f.Name.EndsWith(".tmp", StringComparison.Ordinal))
                .GroupBy(f => BaseName(f.Name), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                if (group.Max(f => f.LastWriteTimeUtc) >= cutoff.UtcDateTime) continue;
                foreach (var file in group.OrderBy(f => f.Name.EndsWith(".receipt.json", StringComparison.Ordinal)).ThenBy(f => f.Name, StringComparer.Ordinal))
                {
                    Remove(result, file.Name.EndsWith(".receipt.json", StringComparison.Ordinal) ? "receipt" : "sent_payload", file.FullName, isFolder: false);
                }
            }
            RemoveIfEmpty(result, folder);
        }

        static string BaseName(string name) =>
            name.EndsWith(".receipt.json", StringComparison.Ordinal) ? name[..^".receipt.json".Length]
            : name.EndsWith(".json", StringComparison.Ordinal) ? name[..^".json".Length]
            : name;
    }

    private HashSet<string> Reports(DateTimeOffset cutoff, PruneResult result)
    {
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var reports = Path.Combine(DataRoot, "reports");
        if (!Directory.Exists(reports)) return removed;
        foreach (var folder in Directory.GetDirectories(reports).Where(d => RunId().IsMatch(Path.GetFileName(d))).Order(StringComparer.Ordinal))
        {
            if (NewestWrite(folder) >= cutoff.UtcDateTime) continue;
            Remove(result, "report", folder, isFolder: true);
            removed.Add(Path.GetFileName(folder));
        }
        return removed;
    }

    private void ProcessedDrops(DateTimeOffset cutoff, PruneResult result)
    {
        foreach (var schema in EntityCatalog.All)
        {
            var processed = Path.Combine(DataRoot, "drop", "erp", schema.Name, "processed");
            if (!Directory.Exists(processed)) continue;
            foreach (var folder in Directory.GetDirectories(processed).Where(d => RunId().IsMatch(Path.GetFileName(d))).Order(StringComparer.Ordinal))
            {
                if (NewestWrite(folder) < cutoff.UtcDateTime) Remove(result, "processed_drop", folder, isFolder: true);
            }
        }
    }

    private void StateRows(DateTimeOffset ledgerCutoff, DateTimeOffset reportsCutoff, HashSet<string> removedReports, PruneResult result)
    {
        var file = Path.Combine(DataRoot, "state", "etl.db");
        if (!File.Exists(file)) return;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 60 }.ToString());
        connection.Open();
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        // Each table keeps its times as it writes them (both forms compare as text).
        var ledgerSeconds = ledgerCutoff.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var ledgerRoundTrip = ledgerCutoff.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        Rows(connection, tables, result, "delivery_batches", "delivered_at < $cutoff", ledgerSeconds, ledgerCutoff);
        Rows(connection, tables, result, "order_trail", "at < $cutoff", ledgerRoundTrip, ledgerCutoff);
        // The run history goes with the reports: runs started before the limit whose report folder is gone or going.
        var kept = Directory.Exists(Path.Combine(DataRoot, "reports"))
            ? Directory.GetDirectories(Path.Combine(DataRoot, "reports")).Select(Path.GetFileName).Where(n => !removedReports.Contains(n!)).ToHashSet(StringComparer.Ordinal)
            : [];
        if (tables.Contains("runs"))
        {
            var runs = new List<string>();
            using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT run_id FROM runs WHERE started_at < $cutoff ORDER BY run_id";
                select.Parameters.AddWithValue("$cutoff", reportsCutoff.ToString("O", CultureInfo.InvariantCulture));
                using var reader = select.ExecuteReader();
                while (reader.Read()) runs.Add(reader.GetString(0));
            }
            runs.RemoveAll(kept.Contains);
            if (runs.Count > 0 && !result.DryRun)
            {
                using var transaction = connection.BeginTransaction();
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM runs WHERE run_id = $id";
                delete.Parameters.AddWithValue("$id", "");
                foreach (var id in runs)
                {
                    delete.Parameters["$id"].Value = id;
                    delete.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            if (runs.Count > 0) result.Rows.Add(new PrunedRows("runs", runs.Count, reportsCutoff));
        }
    }

    private static void Rows(SqliteConnection connection, HashSet<string> tables, PruneResult result, string table, string condition, string cutoffText, DateTimeOffset cutoff)
    {
        if (!tables.Contains(table)) return;
        using var command = connection.CreateCommand();
        command.CommandText = result.DryRun ? $"SELECT COUNT(*) FROM {table} WHERE {condition}" : $"DELETE FROM {table} WHERE {condition}";
        command.Parameters.AddWithValue("$cutoff", cutoffText);
        var rows = result.DryRun ? Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) : command.ExecuteNonQuery();
        if (rows > 0) result.Rows.Add(new PrunedRows(table, rows, cutoff));
    }

    private void Remove(PruneResult result, string kind, string path, bool isFolder)
    {
        var bytes = isFolder
            ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : new FileInfo(path).Length;
        result.Items.Add(new PrunedItem(kind, Path.GetRelativePath(DataRoot, path).Replace('\\', '/') + (isFolder ? "/" : ""), bytes));
        if (result.DryRun) return;
        if (isFolder) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    private static void RemoveIfEmpty(PruneResult result, string folder)
    {
        if (!result.DryRun && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    // A folder is as old as its newest file (its own time changes whenever an entry comes or goes); an empty one as itself.
    private static DateTime NewestWrite(string folder)
    {
        DateTime? newest = null;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (newest is null || file.LastWriteTimeUtc > newest) newest = file.LastWriteTimeUtc;
        }
        return newest ?? Directory.GetLastWriteTimeUtc(folder);
    }

    [GeneratedRegex(@"^\d{8}T\d{6}Z-[0-9a-f]{6}$")]
    private static partial Regex RunId();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateFolder();
}
