using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Etl.Reconcile;

/// <summary>
/// How reconciliations are reported: the "reconcile" section of summary.json, lines in summary.txt, and
/// reports/&lt;run-id&gt;/&lt;entity&gt;.reconcile.csv with every finding (kind, key, field, erp, portal, baseline, note).
/// summary.json lists at most <see cref="MaxKeysListed"/> keys per kind and entity; the CSV has them all.
/// </summary>
public static class ReconcileReport
{
    /// <summary>Keys listed per kind and entity in summary.json.</summary>
    public const int MaxKeysListed = 1000;

    /// <summary>Keys listed per kind and entity in summary.txt and on the terminal.</summary>
    public const int MaxKeysShown = 20;

    /// <summary>The CSV's name in the report folder.</summary>
    public static string CsvName(string entity) => entity + ".reconcile.csv";

    /// <summary>Writes &lt;entity&gt;.reconcile.csv into a report folder (whole or not at all).</summary>
    public static void WriteCsv(string folder, ReconcileResult result) =>
        AtomicFile.Write(Path.Combine(folder, CsvName(result.Entity)), stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
            csv.WriteHeader(["kind", "key", "field", "erp", "portal", "baseline", "note"]);
            foreach (var line in result.Lines) csv.WriteRecord([line.Kind, line.Key, line.Field, line.Erp, line.Portal, line.Baseline, line.Note]);
        });

    /// <summary>Writes the "reconcile" object of summary.json.</summary>
    public static void WriteJson(Utf8JsonWriter json, IEnumerable<ReconcileResult> results)
    {
        json.WriteStartObject("reconcile");
        foreach (var r in results)
        {
            json.WriteStartObject(r.Entity);
            json.WriteString("status", r.Status);
            if (r.Reason is null) json.WriteNull("reason");
            else json.WriteString("reason", r.Reason);
            if (r.SnapshotRunId is null) json.WriteNull("snapshot_run_id");
            else json.WriteString("snapshot_run_id", r.SnapshotRunId);
            json.WriteNumber("erp_valid", r.ErpValid);
            json.WriteNumber("erp_invalid", r.ErpInvalid);
            json.WriteNumber("portal", r.Portal);
            json.WriteNumber("baseline", r.Baseline);
            json.WriteNumber("in_step", r.InStep);
            json.WriteNumber("missing", r.Missing.Count);
            json.WriteNumber("extra", r.Extra.Count);
            json.WriteNumber("different", r.Different.Count);
            json.WriteNumber("baseline_stale", r.BaselineStale.Count);
            Keys(json, "missing_keys", r.Missing);
            Keys(json, "extra_keys", r.Extra);
            json.WriteStartArray("different_records");
            foreach (var d in r.Different.Take(MaxKeysListed))
            {
                json.WriteStartObject();
                json.WriteString("key", d.Key);
                json.WriteStartObject("fields");
                foreach (var f in d.Fields)
                {
                    json.WriteStartObject(f.Field);
                    Value(json, "erp", f.Erp);
                    Value(json, "portal", f.Portal);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            Keys(json, "baseline_stale_keys", r.BaselineStale);
            if (r.Repair is { } repair)
            {
                json.WriteStartObject("repair");
                json.WriteNumber("upserts", repair.Upserts);
                json.WriteNumber("deletes", repair.Deletes);
                json.WriteNumber("invalid", repair.Invalid);
                json.WriteNumber("batches", repair.Batches);
                json.WriteNumber("baseline_corrected", repair.BaselineCorrected);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("repair");
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>Appends the reconcile lines of summary.txt.</summary>
    public static void AppendText(StringBuilder text, IReadOnlyList<ReconcileResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine("Reconcile: the portal's records against the ERP (the latest snapshot's valid rows) and the baseline (what the engine believes the portal holds)");
        text.AppendLine(inv, $"{"entity",-14} {"status",-8} {"erp",7} {"invalid",7} {"portal",7} {"in step",7} {"missing",7} {"extra",7} {"different",9} {"baseline stale",14}");
        foreach (var r in results)
        {
            text.AppendLine(inv, $"{r.Entity,-14} {r.Status,-8} {r.ErpValid,7} {r.ErpInvalid,7} {r.Portal,7} {r.InStep,7} {r.Missing.Count,7} {r.Extra.Count,7} {r.Different.Count,9} {r.BaselineStale.Count,14}");
        }
        foreach (var r in results)
        {
            if (r.Reason is not null)
            {
                text.AppendLine();
                text.AppendLine(inv, $"{r.Entity} {r.Status}: {r.Reason}");
            }
            if (r.Status == Runs.EntityStatus.Skipped || r.Status == Runs.EntityStatus.Failed) continue;
            text.AppendLine();
            text.AppendLine(inv, $"{r.Entity}, compared with the snapshot of run {r.SnapshotRunId}:");
            if (!r.HasDrift)
            {
                text.AppendLine("  the portal, the ERP and the baseline agree.");
            }
            List(text, "missing (valid in the ERP, not in the portal)", r.Missing);
            List(text, "extra (in the portal, not in the ERP)", r.Extra);
            if (r.Different.Count > 0)
            {
                text.AppendLine(inv, $"  different ({r.Different.Count}):");
                foreach (var d in r.Different.Take(MaxKeysShown))
                {
                    text.AppendLine(inv, $"    {Safe(d.Key)}: {string.Join("; ", d.Fields.Select(f => $"{f.Field} erp {Safe(f.Erp ?? "null")}, portal {Safe(f.Portal ?? "null")}"))}");
                }
                More(text, r.Different.Count, r.Entity);
            }
            List(text, "baseline stale (the engine believed the portal held something else)", r.BaselineStale);
            if (r.Repair is { } repair)
            {
                text.AppendLine(inv, $"  repair: {repair.Upserts} upsert(s) and {repair.Deletes} delete(s) in {repair.Batches} payload(s); {repair.Invalid} record(s) not sent because they fail the rules now; baseline corrected for {repair.BaselineCorrected} key(s).");
            }
            if (r.Lines.Count > 0) text.AppendLine(inv, $"  details: {CsvName(r.Entity)}");
        }
    }

    private static void List(StringBuilder text, string title, List<string> keys)
    {
        if (keys.Count == 0) return;
        text.AppendLine(CultureInfo.InvariantCulture, $"  {title} ({keys.Count}): {string.Join(", ", keys.Take(MaxKeysShown).Select(Safe))}");
        if (keys.Count > MaxKeysShown) text.AppendLine(CultureInfo.InvariantCulture, $"    ... and {keys.Count - MaxKeysShown} more");
    }

    private static void More(StringBuilder text, int count, string entity)
    {
        if (count > MaxKeysShown) text.AppendLine(CultureInfo.InvariantCulture, $"    ... and {count - MaxKeysShown} more in {CsvName(entity)}");
    }

    // ERP and portal text reaches a terminal through summary.txt: control characters are written as \uXXXX.
    private static string Safe(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value) text.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        return text.ToString();
    }

    private static void Keys(Utf8JsonWriter json, string name, List<string> keys)
    {
        json.WriteStartArray(name);
        foreach (var key in keys.Take(MaxKeysListed)) json.WriteStringValue(key);
        json.WriteEndArray();
    }

    private static void Value(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
