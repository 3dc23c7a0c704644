using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Etl.Configuration;
using Etl.Entities;
using Etl.Outbound.Snapshots;
using Etl.PortalApi;
using Etl.Runs;
using Etl.State;

namespace Etl.Support;

/// <summary>
/// The life of one record, newest run first, from what the runs already keep (etl trace): per run that read the
/// entity, its row in that run's snapshot, the change that carried it (payload, batch, op) or why none did (unchanged,
/// invalid with the rule from the steward report, held by a guard or a failed file with the reason from the summary),
/// and each delivery of that payload (receipts, rejects, refusals, re-drops); then the portal's current value when
/// the portal can be reached. Reads only the files of the runs it shows, one at a time.
/// </summary>
internal static class RecordTrace
{
    /// <summary>How many runs a trace shows by default.</summary>
    public const int DefaultLast = 20;

    /// <summary>
    /// Reads <c>field=value</c> arguments into the entity's key values, in key order; anything but exactly every key
    /// field once is a <see cref="ConfigurationException"/> naming what is unknown, repeated or missing.
    /// </summary>
    public static string[] ParseKey(EntitySchema schema, IReadOnlyList<string> pairs)
    {
        var keyFields = schema.KeyIndexes.Select(i => schema.Fields[i].Name).ToList();
        var values = new string?[keyFields.Count];
        var problems = new List<string>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0)
            {
                problems.Add($"'{pair}' is not field=value");
                continue;
            }
            var field = parts[0].Trim();
            var index = keyFields.IndexOf(field);
            if (index < 0)
            {
                problems.Add(schema.Fields.Any(f => f.Name == field) ? $"'{field}' is not a key field" : $"unknown key field '{field}'");
                continue;
            }
            if (values[index] is not null)
            {
                problems.Add($"key field '{field}' given twice");
                continue;
            }
            values[index] = parts[1].Trim();
        }
        var missing = keyFields.Where((_, i) => values[i] is null).ToList();
        if (missing.Count > 0) problems.Add($"missing key field{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        if (problems.Count > 0)
        {
            throw new ConfigurationException($"trace {schema.Name}: {string.Join("; ", problems)}. The key of {schema.Name} is {string.Join(", ", keyFields)}: " +
                $"etl trace {schema.Name} {string.Join(' ', keyFields.Select(f => f + "=..."))}");
        }
        return [.. values.Select(v => v!)];
    }

    /// <summary>The entity of a name, or a <see cref="ConfigurationException"/> listing the known ones.</summary>
    public static EntitySchema Entity(string name) => EntityCatalog.Find(name)
        ?? throw new ConfigurationException($"unknown entity '{name}' (known: {string.Join(", ", EntityCatalog.All.Select(e => e.Name))}).");

    /// <summary>Traces one record through the last <paramref name="last"/> runs that read its entity.</summary>
    public static async Task<RecordTraceReport> RunAsync(EtlSettings settings, EntitySchema schema, IReadOnlyList<string> keyValues, int last, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var dataRoot = settings.DataRoot;
        var key = EntityKey.Of(keyValues, [.. Enumerable.Range(0, keyValues.Count)]);
        var displayKey = string.Join('|', keyValues);
        List<(RunRecord Run, JsonElement? Entity)> runs;
        using (var state = StateStore.Open(dataRoot))
        {
            runs = SelectRuns(state, dataRoot, schema.Name, Math.Max(1, last));
        }
        var snapshots = SnapshotFile.List(dataRoot, schema.Name).ToDictionary(s => s.RunId, StringComparer.Ordinal);
        var files = OutboxFiles.Find(dataRoot, schema.Name, runs.Select(r => r.Run.RunId).ToHashSet(StringComparer.Ordinal),
            runs.Count == 0 ? default : DateOnly.FromDateTime(runs.Min(r => r.Run.StartedAt).UtcDateTime));

        LedgerDelivery? lastDelivery = null;
        using (var ledger = LedgerReader.Open(dataRoot))
        {
            try
            {
                lastDelivery = ledger.LastDelivery(PortalTarget.IdentityOf(settings.Portal, dataRoot), schema.Name, key);
            }
            catch (ConfigurationException)
            {
                // A bad Portal:BaseUrl names no portal; the portal section below says why.
            }
        }

        var steps = new List<RunTrace>();
        foreach (var (run, entity) in runs)
        {
            steps.Add(await TraceRunAsync(dataRoot, schema, keyValues, key, displayKey, run, entity, snapshots.GetValueOrDefault(run.RunId), files, lastDelivery, cancellationToken));
        }
        var portal = await PortalValueAsync(settings, schema, keyValues, steps, clock, cancellationToken);
        return new RecordTraceReport(schema.Name, [.. schema.KeyIndexes.Select((i, k) => new FieldValue(schema.Fields[i].Name, keyValues[k]))],
            Math.Max(1, last), portal, lastDelivery, steps);
    }

    // Newest first: runs whose summary has the entity (not skipped), and runs that did not finish but left a snapshot.
    private static List<(RunRecord, JsonElement?)> SelectRuns(StateStore state, string dataRoot, string entity, int last)
    {
        var fetch = Math.Max(50, last * 4);
        while (true)
        {
            var page = state.Runs(fetch);
            var selected = new List<(RunRecord, JsonElement?)>();
            foreach (var run in page)
            {
                if (run.SummaryJson is null)
                {
                    if (SnapshotPath(dataRoot, entity, run) is { } path && File.Exists(path)) selected.Add((run, null));
                }
                else if (EntityOf(run.SummaryJson, entity) is { } element && Text(element, "status") != EntityStatus.Skipped)
                {
                    selected.Add((run, element));
                }
                if (selected.Count == last) return selected;
            }
            if (page.Count < fetch) return selected;
            fetch *= 4;
        }
    }

    private static JsonElement? EntityOf(string summaryJson, string entity)
    {
        try
        {
            using var document = JsonDocument.Parse(summaryJson);
            return document.RootElement.TryGetProperty("entities", out var entities) && entities.ValueKind == JsonValueKind.Object
                && entities.TryGetProperty(entity, out var element) && element.ValueKind == JsonValueKind.Object
                ? element.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? SnapshotPath(string dataRoot, string entity, RunRecord run) =>
        Path.Combine(dataRoot, "snapshots", entity, "date=" + run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{entity}_{run.RunId}.parquet");

    private static async Task<RunTrace> TraceRunAsync(string dataRoot, EntitySchema schema, IReadOnlyList<string> keyValues, string key, string displayKey,
        RunRecord run, JsonElement? entity, SnapshotFile? snapshot, OutboxFiles files, LedgerDelivery? lastDelivery, CancellationToken cancellationToken)
    {
        var status = entity is { } summary ? Text(summary, "status") : null;
        var reason = entity is { } why ? Text(why, "reason") : null;
        var batches = entity is { } b ? Int(b, "batches") : null;

        var rows = new List<SnapshotRow>();
        var problems = new List<string>();
        var unreadable = false;
        if (snapshot is not null)
        {
            try
            {
                foreach (var row in await SnapshotLookup.FindAsync(snapshot, schema, keyValues, cancellationToken))
                {
                    rows.Add(new SnapshotRow([.. schema.Fields.Select((f, i) => new FieldValue(f.Name, row[i]))], row[^1] == "true"));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A damaged or vanished snapshot hides this run's value, not the rest of the trail.
                problems.Add($"the snapshot could not be read: {e.Message}");
                unreadable = true;
            }
        }

        var changes = new List<CarriedChange>();
        var missingPayloads = 0;
        if (batches is null or > 0)
        {
            var payloads = files.OfRun(run.RunId);
            foreach (var payload in payloads)
            {
                if (payload.Payloads.Count == 0)
                {
                    missingPayloads++;
                    continue;
                }
                changes.AddRange(await CarriedByAsync(dataRoot, schema, keyValues, key, payload, lastDelivery, cancellationToken));
            }
            if (batches is { } expected && expected > payloads.Count) missingPayloads += expected - payloads.Count;
        }

        List<InvalidEntry> invalid = [];
        try
        {
            invalid = ReadInvalid(dataRoot, schema.Name, run.RunId, displayKey);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add($"the steward report could not be read: {e.Message}");
        }
        var rel = (string path) => Path.GetRelativePath(dataRoot, path);
        var (outcome, explanation) = (status, changes.Count, invalid.Count, rows.Count) switch
        {
            (EntityStatus.Failed, _, _, _) => ("failed", $"the drop failed: {reason} Nothing of {schema.Name} was sent in this run; the portal keeps what it had."),
            (EntityStatus.Stopped, _, _, _) => ("stopped", $"held by a guard: {reason} Nothing of {schema.Name} was sent in this run; the portal keeps what it had."),
            (_, > 0, _, _) => ("sent", changes.Count == 1 ? $"carried as {changes[0].Op} in batch {changes[0].BatchId}" : $"carried by {changes.Count} payloads: " + string.Join(", ", changes.Select(c => $"{c.Op} in {c.BatchId}"))),
            (_, _, > 0, _) => ("invalid", $"invalid, so not sent; the portal keeps what it had ({string.Join(", ", invalid.Select(i => i.Rule).Distinct())})"),
            _ when unreadable => ("unknown", "not sent by this run; its value in the ERP is unknown"),
            (null, _, _, _) => ("did_not_finish", "the run did not finish (killed, or still running); no payload of it carries this record"),
            (_, _, _, > 0) when rows.All(x => x.IsValid) => ("unchanged", "unchanged: the portal was believed to hold these values already, so nothing was sent"),
            (_, _, _, > 0) => ("invalid", "invalid, so not sent (the steward report of this run is no longer kept)"),
            _ => ("absent", "not in this drop, and nothing to delete: the portal was not believed to hold it"),
        };
        if (missingPayloads > 0 && outcome is not ("failed" or "stopped"))
        {
            explanation += $" ({missingPayloads} payload file(s) of this run are no longer in outbox/, sent/ or failed/, so a change they carried cannot be shown)";
        }
        if (problems.Count > 0) explanation += " (" + string.Join("; ", problems) + ")";
        return new RunTrace(run.RunId, run.Pipeline, Utc(run.StartedAt), run.ExitCode, status ?? "did not finish", reason, outcome, explanation,
            snapshot is null ? null : rel(snapshot.Path), rows, changes, invalid, missingPayloads);
    }

    private static async Task<List<CarriedChange>> CarriedByAsync(string dataRoot, EntitySchema schema, IReadOnlyList<string> keyValues, string key,
        PayloadFiles files, LedgerDelivery? lastDelivery, CancellationToken cancellationToken)
    {
        var found = new List<CarriedChange>();
        // Where it lies now: waiting in outbox/ wins over an older copy elsewhere.
        var (path, location) = files.Payloads.OrderBy(p => p.Location switch { "outbox" => 0, "failed" => 1, _ => 2 }).ThenByDescending(p => p.Path, StringComparer.Ordinal).First();
        JsonDocument document;
        try
        {
            await using var stream = File.OpenRead(path);
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return found; // damaged or moved meanwhile: it shows nothing
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array) return found;
            var batchId = Text(root, "batch_id") ?? files.Stem;
            var asOf = Text(root, "as_of");
            var index = 0;
            foreach (var record in records.EnumerateArray())
            {
                if (Matches(schema, record, keyValues))
                {
                    var op = Text(record, "op") ?? "?";
                    var values = op == "delete" ? [] : schema.PortalIndexes.Select(i => new FieldValue(schema.Fields[i].Name, Canonical(record, schema.Fields[i].Name))).ToList();
                    var events = Deliveries(dataRoot, files, location, path, index, key, asOf, batchId, lastDelivery);
                    found.Add(new CarriedChange(op, Path.GetRelativePath(dataRoot, path), location, batchId, asOf, index, values, events,
                        events.Count == 0 ? "unknown" : events[^1].Kind));
                }
                index++;
            }
        }
        return found;
    }

    // Each receipt and error file of the payload, in time order, told for this record; a payload back in outbox/ waits.
    private static List<DeliveryEvent> Deliveries(string dataRoot, PayloadFiles files, string location, string payloadPath, int index, string key, string? asOf,
        string batchId, LedgerDelivery? lastDelivery)
    {
        var events = new List<DeliveryEvent>();
        var importsSeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, receipt) in files.Receipts.Select(f => (f, Read(f))).Where(x => x.Item2 is not null).OrderBy(x => Text(x.Item2!.RootElement, "delivered_at"), StringComparer.Ordinal))
        {
            using (receipt)
            {
                var r = receipt!.RootElement;
                var importId = Text(r, "import_id");
                var at = Text(r, "delivered_at");
                var derivedKey = Text(r, "idempotency_key");
                var superseded = Int(r, "superseded") ?? 0;
                var rejected = r.TryGetProperty("rejected", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().FirstOrDefault(x => Int(x, "index") == index)
                    : default;
                var redrop = importId is not null && !importsSeen.Add(importId)
                    ? "re-dropped; the portal had accepted this batch before, so it was not posted again"
                    : derivedKey is not null ? $"re-dropped and delivered again under key {derivedKey}" : null;
                string kind, detail;
                if (rejected.ValueKind == JsonValueKind.Object)
                {
                    kind = "rejected";
                    detail = $"rejected by the portal ({Text(rejected, "code")}): {Text(rejected, "message")}; the next run that reads it sends it again";
                }
                else if (superseded > 0 && lastDelivery is not null && lastDelivery.BatchId != batchId && asOf is not null && string.CompareOrdinal(lastDelivery.AsOf, asOf) > 0)
                {
                    kind = "left_out";
                    detail = $"left out: the portal had received a newer value since (batch {lastDelivery.BatchId}, as_of {lastDelivery.AsOf})";
                }
                else
                {
                    kind = "accepted";
                    detail = importId is null ? "accepted" : $"accepted as import {importId}";
                }
                if (redrop is not null) detail = redrop + "; " + detail;
                events.Add(new DeliveryEvent(kind, at, importId, derivedKey, detail, Path.GetRelativePath(dataRoot, file)));
            }
        }
        foreach (var file in files.Errors)
        {
            using var error = Read(file);
            if (error is null) continue;
            var e = error.RootElement;
            var problem = e.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var why = problem.ValueKind == JsonValueKind.Object ? Text(problem, "detail") ?? Text(problem, "title") : null;
            var status = Int(e, "status")?.ToString(CultureInfo.InvariantCulture);
            events.Add(new DeliveryEvent("refused", Text(e, "failed_at"), null, null,
                $"refused{(status is null ? " by the uploader" : $" by the portal ({status})")}: {why?.TrimEnd('.')}; the next run that reads it sends it again",
                Path.GetRelativePath(dataRoot, file)));
        }
        events.Sort((a, b) => string.CompareOrdinal(a.At, b.At));
        // A payload delivered or refused once and then again was moved back into outbox/ in between.
        for (var i = 1; i < events.Count; i++)
        {
            if (!events[i].Detail.StartsWith("re-dropped", StringComparison.Ordinal)) events[i] = events[i] with { Detail = "re-dropped; " + events[i].Detail };
        }
        if (location == "outbox")
        {
            events.Add(new DeliveryEvent("waiting", null, null, null,
                events.Count == 0 ? "waiting in outbox/ for the uploader (etl upload, or the next run)" : "re-dropped into outbox/; waiting for the uploader",
                Path.GetRelativePath(dataRoot, payloadPath)));
        }
        return events;
    }

    private static List<InvalidEntry> ReadInvalid(string dataRoot, string entity, string runId, string displayKey)
    {
        var result = new List<InvalidEntry>();
        var path = Path.Combine(RunReports.FolderOf(dataRoot, runId), entity + ".invalid.csv");
        if (!File.Exists(path)) return result;
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            DetectSeparatorHint = false,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        });
        reader.ReadHeader();
        var report = Path.GetRelativePath(dataRoot, path);
        while (reader.Read())
        {
            if (reader.FieldCount < 7 || reader.GetString(2) != displayKey) continue;
            result.Add(new InvalidEntry(reader.GetString(0) ?? "", long.TryParse(reader.GetString(1), CultureInfo.InvariantCulture, out var line) ? line : 0,
                reader.GetString(3) ?? "", reader.GetString(4), reader.GetString(5) ?? "", reader.GetString(6) ?? "", report));
        }
        return result;
    }

    private static async Task<PortalValue> PortalValueAsync(EtlSettings settings, EntitySchema schema, IReadOnlyList<string> keyValues, List<RunTrace> steps,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var portal = await PortalLookup.OpenAsync(settings, clock, cancellationToken);
        var read = await portal.GetAsync("api/v1/data/" + Uri.EscapeDataString(schema.Name), cancellationToken);
        using var document = read.Document;
        if (document is null) return new PortalValue(false, read.Note ?? $"the portal does not know {schema.Name} ({read.Status})", false, null, null, false, null);
        JsonElement? record = null;
        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            record = records.EnumerateArray().Where(r => Matches(schema, r, keyValues)).Select(r => (JsonElement?)r).FirstOrDefault();
        }
        var values = record is { } found ? schema.PortalIndexes.Select(i => new FieldValue(schema.Fields[i].Name, Canonical(found, schema.Fields[i].Name))).ToList() : null;

        // Compared with what the ERP says now: the newest snapshot shown with a valid row of the key, or without the key
        // at all (then the portal should not have it). A row found invalid is never sent, so an older valid one counts.
        string? comparedWith = null;
        SnapshotRow? erpRow = null;
        foreach (var step in steps.Where(s => s.Snapshot is not null))
        {
            if (step.Rows.Count > 0 && step.Rows.All(r => !r.IsValid)) continue;
            comparedWith = step.RunId;
            erpRow = step.Rows.FirstOrDefault(r => r.IsValid);
            break;
        }
        List<FieldDifference>? differences = null;
        if (comparedWith is not null)
        {
            differences = [];
            foreach (var i in schema.PortalIndexes.Where(i => !schema.Fields[i].IsKey))
            {
                var name = schema.Fields[i].Name;
                var erp = erpRow?.Values[i].Value;
                var onPortal = values?.First(v => v.Field == name).Value;
                if ((values is null) != (erpRow is null) || (onPortal ?? "") != (erp ?? "")) differences.Add(new FieldDifference(name, onPortal, erp));
            }
        }
        return new PortalValue(true, null, values is not null, values, comparedWith, erpRow is not null, differences);
    }

    private static bool Matches(EntitySchema schema, JsonElement record, IReadOnlyList<string> keyValues)
    {
        if (record.ValueKind != JsonValueKind.Object) return false;
        for (var k = 0; k < schema.KeyIndexes.Length; k++)
        {
            if (Canonical(record, schema.Fields[schema.KeyIndexes[k]].Name) != keyValues[k]) return false;
        }
        return true;
    }

    // A JSON value as the snapshot's canonical text: numbers without trailing zeros, booleans true/false, null as null.
    private static string? Canonical(JsonElement record, string field)
    {
        if (!record.TryGetProperty(field, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.TryGetDecimal(out var number) ? FieldConverter.Canonical(number) : value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }

    private static JsonDocument? Read(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    // Receipts, error files and summaries are files an operator may have edited: a value of another kind reads as absent.
    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var number) ? number : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A time as the reports write it: UTC to the second with Z.</summary>
    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>What etl trace found about one record.</summary>
/// <param name="Entity">The entity.</param>
/// <param name="Key">The key fields and values.</param>
/// <param name="Last">How many runs were asked for at most.</param>
/// <param name="Portal">The portal's current value, or why it is not known.</param>
/// <param name="LastDelivery">What the delivery ledger last delivered for the key to this portal.</param>
/// <param name="Runs">The runs that read the entity, newest first.</param>
internal sealed record RecordTraceReport(string Entity, IReadOnlyList<FieldValue> Key, int Last, PortalValue Portal, LedgerDelivery? LastDelivery, IReadOnlyList<RunTrace> Runs);

/// <summary>A field and its canonical text (null when empty).</summary>
internal sealed record FieldValue(string Field, string? Value);

/// <summary>A portal field that differs from the ERP's newest valid value.</summary>
internal sealed record FieldDifference(string Field, string? Portal, string? Erp);

/// <summary>
/// The portal's current record: <paramref name="Reachable"/> false with a <paramref name="Note"/> when it could not be
/// asked; <paramref name="Found"/> false when it has no record with the key. <paramref name="Differences"/> compares its
/// non-key portal fields with what the ERP says now: the newest snapshot shown (run <paramref name="ComparedWithRun"/>)
/// that has a valid row of the key (<paramref name="ErpHasIt"/>) or no row of it; null when no run shown says.
/// An empty list means the two agree.
/// </summary>
internal sealed record PortalValue(bool Reachable, string? Note, bool Found, IReadOnlyList<FieldValue>? Values, string? ComparedWithRun, bool ErpHasIt,
    IReadOnlyList<FieldDifference>? Differences);

/// <summary>One run's part in a record's life.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Pipeline">Its pipeline.</param>
/// <param name="StartedAt">When it started (UTC, Z).</param>
/// <param name="ExitCode">Its exit code; null when it did not finish.</param>
/// <param name="EntityStatus">The entity's status in the summary (done, failed, stopped), or "did not finish".</param>
/// <param name="EntityReason">Why it failed or stopped.</param>
/// <param name="Outcome">sent, unchanged, invalid, absent, failed, stopped, did_not_finish, or unknown (its snapshot could not be read).</param>
/// <param name="Explanation">The outcome in words.</param>
/// <param name="Snapshot">The run's snapshot of the entity, relative to the data root.</param>
/// <param name="Rows">The record's rows in that snapshot (several when the drop repeated the key).</param>
/// <param name="Changes">The payload records that carried it.</param>
/// <param name="Invalid">Its lines in the run's steward report.</param>
/// <param name="MissingPayloads">Payload files of the run no longer found.</param>
internal sealed record RunTrace(string RunId, string Pipeline, string StartedAt, int? ExitCode, string EntityStatus, string? EntityReason, string Outcome,
    string Explanation, string? Snapshot, IReadOnlyList<SnapshotRow> Rows, IReadOnlyList<CarriedChange> Changes, IReadOnlyList<InvalidEntry> Invalid, int MissingPayloads);

/// <summary>The record's row in a snapshot: every column, and whether it was valid in that run.</summary>
internal sealed record SnapshotRow(IReadOnlyList<FieldValue> Values, bool IsValid);

/// <summary>A payload record that carried the record: op, file, batch, and what became of its delivery.</summary>
/// <param name="Op">upsert or delete.</param>
/// <param name="Payload">The payload file where it lies now, relative to the data root.</param>
/// <param name="Location">outbox, sent or failed.</param>
/// <param name="BatchId">The payload's batch id.</param>
/// <param name="AsOf">The payload's as_of.</param>
/// <param name="Index">The record's index in the payload.</param>
/// <param name="Values">The portal fields sent (none for a delete).</param>
/// <param name="Deliveries">Each delivery of the payload, for this record, oldest first.</param>
/// <param name="Delivery">The last of them: accepted, rejected, refused, left_out, waiting, or unknown.</param>
internal sealed record CarriedChange(string Op, string Payload, string Location, string BatchId, string? AsOf, int Index, IReadOnlyList<FieldValue> Values,
    IReadOnlyList<DeliveryEvent> Deliveries, string Delivery);

/// <summary>One delivery of a payload as its receipt or error file tells it, for one record.</summary>
/// <param name="Kind">accepted, rejected, left_out, refused or waiting.</param>
/// <param name="At">delivered_at or failed_at (UTC, Z).</param>
/// <param name="ImportId">The portal's import id.</param>
/// <param name="IdempotencyKey">The derived key a re-drop went out under.</param>
/// <param name="Detail">What happened, in words.</param>
/// <param name="File">The receipt, error file or payload, relative to the data root.</param>
internal sealed record DeliveryEvent(string Kind, string? At, string? ImportId, string? IdempotencyKey, string Detail, string File);

/// <summary>A line of the steward report about the record.</summary>
internal sealed record InvalidEntry(string File, long Line, string Field, string? Value, string Rule, string Message, string Report);
