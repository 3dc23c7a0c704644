using System.Text.Json;
using System.Text.Json.Serialization;

namespace Etl.Support;

/// <summary>Writes a record's fields as one JSON object, { "sku": "A-1", "qty_available": "5" }, in column order.</summary>
internal sealed class FieldValuesJson : JsonConverter<IReadOnlyList<FieldValue>>
{
    /// <inheritdoc />
    public override IReadOnlyList<FieldValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var result = new List<FieldValue>();
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected an object of field values");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            result.Add(new FieldValue(name, reader.TokenType == JsonTokenType.Null ? null : reader.GetString()));
        }
        return result;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<FieldValue> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var field in value)
        {
            if (field.Value is null) writer.WriteNull(field.Field);
            else writer.WriteString(field.Field, field.Value);
        }
        writer.WriteEndObject();
    }
}
