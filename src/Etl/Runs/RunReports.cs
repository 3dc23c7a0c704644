using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Etl.Runs;

/// <summary>
/// reports/&lt;run-id&gt;/: summary.json, summary.txt and report.html (<see cref="HtmlReport"/>) for people, and
/// &lt;entity&gt;.invalid.csv per entity with invalid records (file, line, key, field, value, rule, message). Each file
/// appears whole; summary.json is written last.
/// </summary>
public static class RunReports
{
    /// <summary>The report folder of a run.</summary>
    public static string FolderOf(string dataRoot, string runId) => Path.Combine(dataRoot, "reports", runId);

    /// <summary>Writes every report of the run.</summary>
    public static void Write(string dataRoot, RunSummary summary)
    {
        var folder = FolderOf(dataRoot, summary.RunId);
        foreach (var entity in summary.Entities.Where(e => e.InvalidRecords.Count > 0))
        {
            AtomicFile.Write(Path.Combine(folder, entity.Entity + ".invalid.csv"), stream => WriteInvalidCsv(stream, entity.InvalidRecords));
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.txt"), Text(summary));
        AtomicFile.WriteAllText(Path.Combine(folder, HtmlReport.FileName), HtmlReport.Render(summary));
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), Json(summary));
    }

    /// <summary>
    /// Renders the reports of a made-up run, writing nothing: a process's first rendering took 8–10 ms, at the end of
    /// the run where nothing else is left to do. <c>etl run</c> calls it on its warm-up thread.
    /// </summary>
    public static void WarmUp()
    {
        var entity = new EntityResult("warm-up") { Read = 1, Invalid = 1 };
        entity.InvalidRecords.Add(new InvalidRecord("warm-up.csv", 2, "A", "f", "x", "rule", "message"));
        var summary = new RunSummary { RunId = "19700101T000000Z-000000", Pipeline = "warm-up", StartedAt = DateTimeOffset.UnixEpoch, Entities = { entity }, Notices = { "notice" } };
        WriteInvalidCsv(Stream.Null, entity.InvalidRecords);
        Text(summary);
        HtmlReport.Render(summary);
        Json(summary);
    }

    /// <summary>The steward report of one entity as CSV.</summary>
    public static void WriteInvalidCsv(Stream stream, IEnumerable<InvalidRecord> records)
    {
        using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteHeader(["file", "line", "key", "field", "value", "rule", "message"]);
        foreach (var r in records)
        {
            csv.WriteRecord([r.File, r.Line.ToString(CultureInfo.InvariantCulture), r.Key, r.Field, r.Value, r.Rule, r.Message]);
        }
    }

    /// <summary>summary.json.</summary>
    public static string Json(RunSummary summary)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("run_id", summary.RunId);
            json.WriteString("pipeline", summary.Pipeline);
            json.WriteString("started_at", Time(summary.StartedAt));
            json.WriteString("finished_at", Time(summary.FinishedAt));
            json.WriteNumber("exit_code", summary.ExitCode);
            json.WriteStartObject("entities");
            foreach (var e in summary.Entities)
            {
                json.WriteStartObject(e.Entity);
                json.WriteString("status", e.Status);
                if (e.Reason is null) json.WriteNull("reason");
                else json.WriteString("reason", e.Reason);
                json.WriteNumber("read", e.Read);
                json.WriteNumber("unchanged", e.Unchanged);
                json.WriteNumber("added", e.Added);
                json.WriteNumber("changed", e.Changed);
                json.WriteNumber("removed", e.Removed);
                json.WriteNumber("invalid", e.Invalid);
                json.WriteNumber("batches", e.Batches);
                json.WriteNumber("records_written", e.RecordsWritten);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            var o = summary.Orders;
            json.WriteStartObject("orders");
            json.WriteNumber("pulled", o.Pulled);
            json.WriteNumber("skipped_status", o.SkippedStatus);
            json.WriteNumber("out_of_scope", o.OutOfScope);
            json.WriteNumber("invalid", o.Invalid);
            json.WriteNumber("linked", o.Linked);
            json.WriteNumber("created", o.Created);
            json.WriteNumber("back_updated", o.BackUpdated);
            json.WriteNumber("review", o.Review);
            json.WriteNumber("failed", o.Failed);
            json.WriteEndObject();
            var u = summary.Upload;
            json.WriteStartObject("upload");
            json.WriteNumber("sent", u.Sent);
            json.WriteNumber("failed", u.Failed);
            json.WriteNumber("pending", u.Pending);
            json.WriteNumber("rejected_records", u.RejectedRecords);
            json.WriteEndObject();
            if (summary.Reconcile.Count > 0) Reconcile.ReconcileReport.WriteJson(json, summary.Reconcile);
            json.WriteStartArray("notices");
            foreach (var notice in summary.Notices) json.WriteStringValue(notice);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>summary.txt: the run in a few lines a person reads.</summary>
    public static string Text(RunSummary summary)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"Run {summary.RunId} of pipeline '{summary.Pipeline}'");
        text.AppendLine(inv, $"Started {Time(summary.StartedAt)}, finished {Time(summary.FinishedAt)}, exit code {summary.ExitCode}.");
        if (summary.Entities.Count > 0 || summary.Reconcile.Count == 0)
        {
            text.AppendLine();
            text.AppendLine(inv, $"{"entity",-14} {"status",-8} {"read",8} {"unchanged",9} {"added",7} {"changed",7} {"removed",7} {"invalid",7} {"batches",7} {"written",8}");
            foreach (var e in summary.Entities)
            {
                text.AppendLine(inv, $"{e.Entity,-14} {e.Status,-8} {e.Read,8} {e.Unchanged,9} {e.Added,7} {e.Changed,7} {e.Removed,7} {e.Invalid,7} {e.Batches,7} {e.RecordsWritten,8}");
            }
        }
        var o = summary.Orders;
        if (o.Pulled > 0 || o.BackUpdated > 0 || o.Failed > 0)
        {
            text.AppendLine();
            text.AppendLine(inv, $"orders: pulled {o.Pulled}, skipped by status {o.SkippedStatus}, out of scope {o.OutOfScope}, invalid {o.Invalid}, linked {o.Linked}, created {o.Created}, back-updated {o.BackUpdated}, held for review {o.Review}, failed {o.Failed}");
        }
        var u = summary.Upload;
        if (u.Sent + u.Failed + u.Pending + u.RejectedRecords > 0)
        {
            text.AppendLine(inv, $"upload: sent {u.Sent}, refused {u.Failed}, pending {u.Pending}, rejected records {u.RejectedRecords}");
        }
        foreach (var e in summary.Entities.Where(e => e.Reason is not null))
        {
            text.AppendLine();
            text.AppendLine(inv, $"{e.Entity} {e.Status}: {e.Reason}");
        }
        var invalid = summary.Entities.Where(e => e.InvalidRecords.Count > 0).ToList();
        if (invalid.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Invalid records (never sent; the portal keeps what it had). Details per entity in <entity>.invalid.csv:");
            foreach (var e in invalid)
            {
                foreach (var rule in e.InvalidRecords.GroupBy(r => (r.Field, r.Rule)).OrderBy(g => g.Key.Field, StringComparer.Ordinal).ThenBy(g => g.Key.Rule, StringComparer.Ordinal))
                {
                    text.AppendLine(inv, $"  {e.Entity}: {rule.Count()} x {rule.Key.Field} ({rule.Key.Rule}), e.g. line {rule.First().Line}: {rule.First().Message}");
                }
            }
        }
        if (summary.Reconcile.Count > 0) Reconcile.ReconcileReport.AppendText(text, summary.Reconcile);
        foreach (var notice in summary.Notices)
        {
            text.AppendLine();
            text.AppendLine("Note: " + notice);
        }
        return text.ToString();
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
