using System.Globalization;
using System.Text.Json.Nodes;
using Etl.Entities;

namespace Etl.Delivery.Tests.Support;

/// <summary>A temporary data root and helpers to read and arrange its outbox.</summary>
internal sealed class DataRoot : IDisposable
{
    public DataRoot() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "etl-delivery-" + Guid.NewGuid().ToString("N")[..10]);

    public string Outbox => System.IO.Path.Combine(Path, "outbox");

    public string Failed => System.IO.Path.Combine(Outbox, "failed");

    /// <summary>Writes a settled drop file (marked .done) with the given last write time (default now).</summary>
    public string Drop(string entity, string name, string content, DateTime? lastWriteUtc = null)
    {
        var folder = System.IO.Path.Combine(Path, "drop", "erp", entity);
        Directory.CreateDirectory(folder);
        var file = System.IO.Path.Combine(folder, name);
        File.WriteAllText(file, content);
        File.SetLastWriteTimeUtc(file, lastWriteUtc ?? DateTime.UtcNow);
        File.WriteAllText(file + ".done", "");
        return file;
    }

    /// <summary>Payloads waiting in outbox/ (not in sent/ or failed/).</summary>
    public List<string> Waiting() =>
        Directory.Exists(Outbox) ? [.. Directory.GetFiles(Outbox, "*.json").Order(StringComparer.Ordinal)] : [];

    /// <summary>Delivered payloads in sent/YYYY-MM-DD/, in name order.</summary>
    public List<string> Sent() => Under("sent");

    /// <summary>Refused payloads in failed/, in name order.</summary>
    public List<string> Refused() => Under("failed");

    /// <summary>Writes a payload file into outbox/ under the contract's name (as an operator or another tool would).</summary>
    public string WritePayload(string entity, string runId, int sequence, DateTimeOffset asOf, params JsonObject[] records)
    {
        Directory.CreateDirectory(Outbox);
        var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}Z_{entity}_{runId}_{sequence:D6}.json";
        var payload = new JsonObject
        {
            ["batch_id"] = $"{entity}-{runId}-{sequence:D4}",
            ["entity"] = entity,
            ["run_id"] = runId,
            ["as_of"] = asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["records"] = new JsonArray([.. records]),
        };
        var path = System.IO.Path.Combine(Outbox, name);
        File.WriteAllText(path, payload.ToJsonString());
        return path;
    }

    /// <summary>The run ids of the reports, oldest first.</summary>
    public List<string> RunIds() => Etl.EndToEnd.Tests.Support.RunHistory.RunIds(Path);

    /// <summary>A run's summary.json.</summary>
    public JsonNode Summary(string runId) => JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "reports", runId, "summary.json")))!;

    /// <summary>The receipt beside a delivered payload.</summary>
    public static JsonObject Receipt(string payload) => JsonNode.Parse(File.ReadAllText(payload[..^".json".Length] + ".receipt.json"))!.AsObject();

    /// <summary>The error file beside a refused payload.</summary>
    public static JsonObject Error(string payload) => JsonNode.Parse(File.ReadAllText(payload[..^".json".Length] + ".error.json"))!.AsObject();

    /// <summary>Whether any file under the data root contains the text (e.g. a secret).</summary>
    public IEnumerable<string> FilesContaining(string text) =>
        Directory.GetFiles(Path, "*", SearchOption.AllDirectories).Where(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }

    private List<string> Under(string folder)
    {
        var path = System.IO.Path.Combine(Outbox, folder);
        return Directory.Exists(path)
            ? [.. Directory.GetFiles(path, "*.json", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".receipt.json", StringComparison.Ordinal) && !f.EndsWith(".error.json", StringComparison.Ordinal))
                .OrderBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)]
            : [];
    }
}

/// <summary>
/// What the portal should hold after a set of delivered payloads: their records applied in delivery order (runs oldest
/// first, references first, then sequence), last write wins, minus the records the receipts list as rejected.
/// </summary>
internal static class ExpectedPortal
{
    public static Dictionary<string, SortedDictionary<string, string>> Fold(IEnumerable<string> deliveredPayloads)
    {
        var result = new Dictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        var ordered = deliveredPayloads.Select(p => (Path: p, Doc: JsonNode.Parse(File.ReadAllText(p))!.AsObject()))
            .OrderBy(p => p.Doc["run_id"]!.GetValue<string>(), StringComparer.Ordinal)
            .ThenBy(p => EntityCatalog.Find(p.Doc["entity"]!.GetValue<string>())!.DeliveryOrder)
            .ThenBy(p => System.IO.Path.GetFileName(p.Path), StringComparer.Ordinal);
        foreach (var (path, doc) in ordered)
        {
            var schema = EntityCatalog.Find(doc["entity"]!.GetValue<string>())!;
            var receipt = DataRoot.Receipt(path);
            var rejected = receipt["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()).ToHashSet();
            var records = result.TryGetValue(schema.Name, out var existing) ? existing : result[schema.Name] = new(StringComparer.Ordinal);
            var index = 0;
            foreach (var record in doc["records"]!.AsArray().Select(r => r!.AsObject()))
            {
                if (!rejected.Contains(index++))
                {
                    var key = Payload.KeyOf(schema, record)!;
                    if (record["op"]!.GetValue<string>() == "delete")
                    {
                        records.Remove(key);
                    }
                    else
                    {
                        var copy = record.DeepClone().AsObject();
                        copy.Remove("op");
                        records[key] = Canonical(copy);
                    }
                }
            }
        }
        return result;
    }

    /// <summary>Compact JSON with properties in name order, so that two records compare as text.</summary>
    public static string Canonical(JsonNode node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => System.Text.Json.JsonSerializer.Serialize(p.Key) + ":" + (p.Value is null ? "null" : Canonical(p.Value)))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(v => v is null ? "null" : Canonical(v))) + "]",
        _ => node.ToJsonString(),
    };

    /// <summary>The portal's records of an entity, by key, as canonical JSON.</summary>
    public static SortedDictionary<string, string> ByKey(string entity, JsonArray records)
    {
        var schema = EntityCatalog.Find(entity)!;
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in records) result[Payload.KeyOf(schema, record)!] = Canonical(record!);
        return result;
    }
}
