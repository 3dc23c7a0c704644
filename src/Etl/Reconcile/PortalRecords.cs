using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.Entities;
using Etl.PortalApi;

namespace Etl.Reconcile;

/// <summary>
/// The portal side of a reconciliation: <c>GET /api/v1/data/{entity}</c>, each record's portal fields turned into the
/// canonical texts the baseline and the diff use (numbers by value without trailing zeros, dates yyyy-MM-dd, booleans
/// true/false, null and absent fields empty), so that 12.50 from the portal equals 12.5 from the ERP.
/// </summary>
internal static class PortalRecords
{
    /// <summary>Reads the portal's records of an entity: key → canonical portal values (in the schema's portal-field order).</summary>
    /// <exception cref="PortalUnavailableException">No usable answer came, or the answer is not a list of records.</exception>
    /// <exception cref="Configuration.ConfigurationException">The portal refused the API key.</exception>
    public static async Task<Dictionary<string, string[]>> ReadAsync(PortalClient client, EntitySchema schema, CancellationToken cancellationToken)
    {
        var path = "api/v1/data/" + Uri.EscapeDataString(schema.Name);
        var answer = await client.SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
        if (answer.IsAuthFailure)
        {
            throw new Configuration.ConfigurationException($"the portal refused the API key ({answer.Status}) for GET {path}; check Portal:ApiKey.");
        }
        if (!answer.IsSuccess)
        {
            throw new PortalUnavailableException($"GET {path}: the portal answered {answer.Status}: {Shorten(client.Redact(answer.Body))}");
        }
        if (JsonNode.Parse(answer.Body)?["records"] is not JsonArray records)
        {
            throw new PortalUnavailableException($"GET {path}: the answer has no records list.");
        }
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var record in records.OfType<JsonObject>())
        {
            var key = string.Join(EntityKey.Separator, schema.KeyIndexes.Select(i => Canonical(schema.Fields[i], record[schema.Fields[i].Name])));
            result[key] = [.. schema.PortalIndexes.Select(i => Canonical(schema.Fields[i], record[schema.Fields[i].Name]))];
        }
        return result;
    }

    /// <summary>The canonical text of a portal value for a field; a value that does not fit the field's kind is kept as written.</summary>
    public static string Canonical(FieldSpec field, JsonNode? node)
    {
        if (node is null) return "";
        if (node is not JsonValue value) return node.ToJsonString();
        switch (value.GetValueKind())
        {
            case JsonValueKind.Null:
                return "";
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (field.Kind is FieldKind.Code or FieldKind.Text) return text;
                var cleaned = FieldConverter.Clean(field, text);
                return FieldConverter.TryConvert(field, cleaned, out var converted, out _) ? FieldConverter.Canonical(converted) : text;
            case JsonValueKind.Number when field.Kind is FieldKind.Integer or FieldKind.Number && value.TryGetValue<decimal>(out var number):
                if (field.Kind == FieldKind.Integer && number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue)
                {
                    return FieldConverter.Canonical((long)number);
                }
                return FieldConverter.Canonical(number);
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            default:
                return value.ToJsonString();
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
