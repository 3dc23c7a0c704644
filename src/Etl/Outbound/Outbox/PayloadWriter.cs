using System.Globalization;
using System.Text.Json;
using Etl.Entities;

namespace Etl.Outbound.Outbox;

/// <summary>
/// Serializes a batch as the contract's payload: upserts carry the portal fields, deletes the key fields;
/// numbers exact without trailing zeros, dates yyyy-MM-dd, booleans as JSON booleans, empty values null.
/// </summary>
public static class PayloadWriter
{
    /// <summary>
    /// The JSON buffered before it is handed to the stream. Utf8JsonWriter keeps everything until it is flushed, in a
    /// buffer it grows by copying: unflushed, every payload grew a new one to its full size (120 KB for 1,000 records).
    /// </summary>
    private const int FlushAt = 32 * 1024;

    /// <summary>The batch id: &lt;entity&gt;-&lt;run-id&gt;-&lt;seq&gt;, unique and stable.</summary>
    public static string BatchId(string entity, string runId, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{entity}-{runId}-{sequence:D4}");

    /// <summary>Writes one payload document.</summary>
    public static void Write(Stream stream, EntitySchema schema, string runId, int sequence, DateTimeOffset asOf, IEnumerable<ChangeRecord> records)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("batch_id", BatchId(schema.Name, runId, sequence));
        json.WriteString("entity", schema.Name);
        json.WriteString("run_id", runId);
        json.WriteString("as_of", asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteStartArray("records");
        foreach (var record in records)
        {
            json.WriteStartObject();
            if (record.Row is { } row)
            {
                json.WriteString("op", "upsert");
                foreach (var index in schema.PortalIndexes) WriteValue(json, schema.Fields[index].Name, row.Values[index]);
            }
            else
            {
                json.WriteString("op", "delete");
                var parts = EntityKey.Parts(record.Key);
                for (var k = 0; k < schema.KeyIndexes.Length; k++) json.WriteString(schema.Fields[schema.KeyIndexes[k]].Name, parts[k]);
            }
            json.WriteEndObject();
            if (json.BytesPending >= FlushAt) json.Flush();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(name); break;
            case string text: json.WriteString(name, text); break;
            case long number: json.WriteNumber(name, number); break;
            case decimal number: json.WriteNumber(name, Entities.FieldConverter.Normalize(number)); break;
            case DateOnly date: json.WriteString(name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case bool flag: json.WriteBoolean(name, flag); break;
            default: throw new InvalidOperationException($"Unexpected value type {value.GetType()} in {name}.");
        }
    }
}
