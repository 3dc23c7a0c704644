using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Entities;

namespace Etl.PortalSandbox.Imports;

/// <summary>One record of an import payload, checked: either a rejection or an upsert/delete.</summary>
internal sealed record ImportRecord(bool IsDelete, string Key, IReadOnlyList<string> KeyValues, JsonObject Fields)
{
    /// <summary>Reject codes of an import answer's <c>rejected</c> list.</summary>
    public static class Codes
    {
        public const string NotAnObject = "invalid_record";
        public const string UnknownOp = "unknown_op";
        public const string MissingKey = "missing_key";
        public const string NegativeQuantity = "negative_quantity";
        public const string UnknownCustomer = "unknown_customer";
    }

    /// <summary>The stored form of a key: a JSON array of its values.</summary>
    public static string KeyOf(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());

    /// <summary>
    /// Checks what one record can be checked for alone (shape, op, key, quantities); a reject
    /// carries the code and message the answer reports.
    /// </summary>
    public static ImportRecord? Check(EntitySpec entity, JsonNode? node, out string code, out string message)
    {
        code = message = "";
        if (node is not JsonObject obj)
        {
            (code, message) = (Codes.NotAnObject, "The record is not a JSON object.");
            return null;
        }

        var op = obj["op"] is JsonValue opValue && opValue.GetValueKind() == JsonValueKind.String ? opValue.GetValue<string>() : null;
        if (op is not ("upsert" or "delete"))
        {
            (code, message) = (Codes.UnknownOp, op is null ? "The record has no op (upsert or delete)." : $"Unknown op '{op}' (upsert or delete).");
            return null;
        }

        var keyValues = new List<string>(entity.KeyFields.Count);
        foreach (var field in entity.KeyFields)
        {
            if (obj[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetValue<string>()))
            {
                (code, message) = (Codes.MissingKey, $"Key field '{field}' is missing, empty or not a string.");
                return null;
            }

            keyValues.Add(v.GetValue<string>());
        }

        var isDelete = op == "delete";
        if (!isDelete && entity.Name == "inventory"
            && obj["qty_available"] is JsonValue qty && qty.GetValueKind() == JsonValueKind.Number && qty.TryGetValue<double>(out var q) && q < 0)
        {
            (code, message) = (Codes.NegativeQuantity, "qty_available must not be negative.");
            return null;
        }

        var fields = new JsonObject();
        foreach (var (name, value) in obj)
        {
            if (name != "op")
            {
                fields[name] = value?.DeepClone();
            }
        }

        return new ImportRecord(isDelete, KeyOf(keyValues), keyValues, fields);
    }
}
