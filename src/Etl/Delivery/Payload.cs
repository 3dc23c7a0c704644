using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.Entities;

namespace Etl.Delivery;

/// <summary>One payload document as read from outbox/ (CONTRACTS.md section 3), with the bytes it was read from.</summary>
internal sealed class Payload
{
    private Payload(byte[] bytes, JsonObject root, string batchId, string entity, string? runId, DateTimeOffset? asOf, JsonArray records)
    {
        Bytes = bytes;
        Root = root;
        BatchId = batchId;
        Entity = entity;
        RunId = runId;
        AsOf = asOf;
        Records = records;
        BodyHash = Hash(root);
    }

    /// <summary>The file's bytes, sent as they are when nothing is dropped from them.</summary>
    public byte[] Bytes { get; }

    /// <summary>The parsed document.</summary>
    public JsonObject Root { get; }

    /// <summary>The batch id: the idempotency key of its first delivery.</summary>
    public string BatchId { get; }

    /// <summary>The entity named in the body.</summary>
    public string Entity { get; }

    /// <summary>The run that wrote it, when the body says.</summary>
    public string? RunId { get; }

    /// <summary>When its ERP data was extracted; null when the body has no as_of.</summary>
    public DateTimeOffset? AsOf { get; }

    /// <summary><see cref="AsOf"/> as the ledger stores it (UTC, to the second, with Z), comparable as text.</summary>
    public string? AsOfText => AsOf is { } asOf ? Format(asOf) : null;

    /// <summary>The records, in order.</summary>
    public JsonArray Records { get; }

    /// <summary>SHA-256 of the document as compact JSON: the same body whatever its whitespace.</summary>
    public string BodyHash { get; }

    /// <summary>Parses a payload; throws <see cref="PayloadFormatException"/> for anything that is not one.</summary>
    public static Payload Parse(byte[] bytes)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new PayloadFormatException($"not valid JSON ({e.Message})");
        }
        if (node is not JsonObject root) throw new PayloadFormatException("not a JSON object");
        var batchId = Text(root, "batch_id") ?? throw new PayloadFormatException("no batch_id");
        var entity = Text(root, "entity") ?? throw new PayloadFormatException("no entity");
        if (root["records"] is not JsonArray records) throw new PayloadFormatException("no records array");
        DateTimeOffset? asOf = null;
        if (Text(root, "as_of") is { } asOfText)
        {
            if (!DateTimeOffset.TryParse(asOfText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw new PayloadFormatException($"as_of '{asOfText}' is not a time (e.g. 2026-11-30T02:00:00Z)");
            }
            asOf = parsed;
        }
        return new Payload(bytes, root, batchId, entity, Text(root, "run_id"), asOf, records);
    }

    /// <summary>Reads run_id and entity of a document cheaply, for ordering a file whose name does not say; null when unreadable.</summary>
    public static (string? RunId, string? Entity)? Peek(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            string? Get(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (Get("run_id"), Get("entity"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The internal key of a record (key fields joined as <see cref="EntityKey"/> does), or null when it has none.</summary>
    public static string? KeyOf(EntitySchema schema, JsonNode? record)
    {
        if (record is not JsonObject fields) return null;
        var parts = new List<string?>(schema.KeyIndexes.Length);
        foreach (var index in schema.KeyIndexes)
        {
            var value = fields[schema.Fields[index].Name];
            if (value is null) return null;
            parts.Add(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
        }
        return EntityKey.Of(parts, [.. Enumerable.Range(0, parts.Count)]);
    }

    /// <summary>The key fields of a record as an object ({ "sku": "A-1", "warehouse": "MAIN" }), for receipts.</summary>
    public static JsonObject KeyFields(EntitySchema? schema, JsonNode? record)
    {
        var key = new JsonObject();
        if (schema is null || record is not JsonObject fields) return key;
        foreach (var index in schema.KeyIndexes)
        {
            var name = schema.Fields[index].Name;
            key[name] = fields[name]?.DeepClone();
        }
        return key;
    }

    /// <summary>A copy of this document holding only the records at <paramref name="indexes"/>.</summary>
    public byte[] WithRecords(IEnumerable<int> indexes)
    {
        var copy = (JsonObject)Root.DeepClone();
        copy["records"] = new JsonArray([.. indexes.Select(i => Records[i]?.DeepClone())]);
        return JsonSerializer.SerializeToUtf8Bytes(copy, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A short hash of bytes (12 hex digits), for derived idempotency keys.</summary>
    public static string ShortHash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];

    /// <summary>The ledger's form of a time.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Hash(JsonObject root) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root.ToJsonString())));

    private static string? Text(JsonObject root, string name) =>
        root[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text ? text : null;
}
