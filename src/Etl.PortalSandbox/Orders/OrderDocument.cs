using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Etl.PortalSandbox.Http;
using Etl.PortalSandbox.Time;

namespace Etl.PortalSandbox.Orders;

/// <summary>
/// A portal order as stored and answered: exactly the contract's fields, in its order. Seeds
/// (<c>POST /sandbox/orders</c>) are checked here and merged into what is stored.
/// </summary>
internal static class OrderDocument
{
    private static readonly string[] Fields =
        ["id", "account_id", "customer_po", "status", "erp_order_no", "currency", "created_at", "updated_at", "lines"];

    private static readonly string[] LineFields = ["line_no", "sku", "qty", "unit_price"];

    /// <summary>Checks one seeded order; 400 naming its index and field when it is not an order.</summary>
    public static JsonObject ValidateSeed(JsonNode? node, int index)
    {
        if (node is not JsonObject order)
        {
            throw Bad(index, "is not a JSON object");
        }

        foreach (var (name, value) in order)
        {
            switch (name)
            {
                case "id":
                    if (value?.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetValue<string>()))
                    {
                        throw Bad(index, "needs a non-empty string id");
                    }

                    break;
                case "status":
                    if (value?.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetValue<string>()))
                    {
                        throw Bad(index, "status must be a non-empty string");
                    }

                    break;
                case "account_id" or "customer_po" or "erp_order_no" or "currency":
                    if (value is not null && value.GetValueKind() != JsonValueKind.String)
                    {
                        throw Bad(index, $"{name} must be a string or null");
                    }

                    break;
                case "created_at" or "updated_at":
                    if (value?.GetValueKind() != JsonValueKind.String || !PortalTime.TryParse(value.GetValue<string>(), out _))
                    {
                        throw Bad(index, $"{name} must be a local portal time yyyy-MM-ddTHH:mm:ss");
                    }

                    break;
                case "lines":
                    ValidateLines(value, index);
                    break;
                default:
                    throw Bad(index, $"has an unknown field '{name}' (known: {string.Join(", ", Fields)})");
            }
        }

        if (!order.ContainsKey("id"))
        {
            throw Bad(index, "needs a non-empty string id");
        }

        return order;
    }

    /// <summary>
    /// The stored order after a seed: a new order gets the defaults; an existing one keeps every
    /// field the seed leaves out, and its <c>updated_at</c> moves to now when the seed changed it
    /// (unless the seed sets <c>updated_at</c> itself).
    /// </summary>
    public static JsonObject Merge(JsonObject? existing, JsonObject seed, string now)
    {
        var order = existing is null ? Defaults(seed["id"]!.GetValue<string>()) : (JsonObject)existing.DeepClone();
        foreach (var (name, value) in seed)
        {
            order[name] = value?.DeepClone();
        }

        if (existing is null)
        {
            order["updated_at"] ??= now;
            order["created_at"] ??= order["updated_at"]!.GetValue<string>();
        }
        else if (!seed.ContainsKey("updated_at") && !JsonNode.DeepEquals(order, existing))
        {
            order["updated_at"] = now;
        }

        return Normalize(order);
    }

    public static string Id(JsonObject order) => order["id"]!.GetValue<string>();

    public static string UpdatedAt(JsonObject order) => PortalTime.Normalize(order["updated_at"]?.GetValue<string>()) ?? "";

    public static string Status(JsonObject order) => order["status"]?.GetValue<string>() ?? "";

    public static string? ErpOrderNo(JsonObject order) => order["erp_order_no"]?.GetValue<string>();

    private static JsonObject Defaults(string id) => new()
    {
        ["id"] = id,
        ["account_id"] = null,
        ["customer_po"] = null,
        ["status"] = "NEW",
        ["erp_order_no"] = null,
        ["currency"] = null,
        ["created_at"] = null,
        ["updated_at"] = null,
        ["lines"] = new JsonArray(),
    };

    /// <summary>The contract's field order; times re-written to the canonical form.</summary>
    private static JsonObject Normalize(JsonObject order)
    {
        var result = new JsonObject();
        foreach (var field in Fields)
        {
            var value = order[field]?.DeepClone();
            if (field is "created_at" or "updated_at")
            {
                value = PortalTime.Normalize(value?.GetValue<string>());
            }

            result[field] = value;
        }

        return result;
    }

    private static void ValidateLines(JsonNode? value, int index)
    {
        if (value is not JsonArray lines)
        {
            throw Bad(index, "lines must be an array");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not JsonObject line)
            {
                throw Bad(index, $"line {i} is not an object");
            }

            foreach (var (name, field) in line)
            {
                var ok = name switch
                {
                    "line_no" => field?.GetValueKind() == JsonValueKind.Number && field.AsValue().TryGetValue<int>(out _),
                    "sku" => field is null || field.GetValueKind() == JsonValueKind.String,
                    "qty" or "unit_price" => field is null || field.GetValueKind() == JsonValueKind.Number,
                    _ => throw Bad(index, $"line {i} has an unknown field '{name}' (known: {string.Join(", ", LineFields)})"),
                };
                if (!ok)
                {
                    throw Bad(index, $"line {i}: {name} has the wrong type");
                }
            }
        }
    }

    private static ProblemException Bad(int index, string what)
        => new(StatusCodes.Status400BadRequest, $"Order at index {index} {what}.");
}
