using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Etl.PortalSandbox.Http;
using Etl.PortalSandbox.Storage;
using Etl.PortalSandbox.Time;

namespace Etl.PortalSandbox.Api;

/// <summary>The order calls: list (paged), get one, set the ERP reference.</summary>
internal sealed class OrdersApi(SandboxStore store)
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 100;

    public async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var from = TimeParameter(query, "updated_from");
        var to = TimeParameter(query, "updated_to");
        if (from is not null && to is not null && string.CompareOrdinal(from, to) > 0)
        {
            throw Bad("updated_from is after updated_to.");
        }

        var statuses = Single(query, "status") is { } statusText
            ? statusText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];

        var limit = DefaultLimit;
        if (Single(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw Bad($"limit must be a whole number from 1 to {MaxLimit}.");
        }

        OrderCursor? cursor = null;
        if (Single(query, "cursor") is { Length: > 0 } cursorText)
        {
            cursor = OrderCursor.TryDecode(cursorText) ?? throw Bad("cursor is not a cursor this portal gave out.");
        }

        var (orders, more) = await store.QueryOrdersAsync(from, to, statuses, cursor, limit, context.RequestAborted);
        var last = orders.Count > 0 ? orders[^1] : null;
        var answer = new JsonObject
        {
            ["orders"] = new JsonArray([.. orders]),
            ["next_cursor"] = more && last is not null
                ? new OrderCursor(last["updated_at"]!.GetValue<string>(), last["id"]!.GetValue<string>()).Encode()
                : null,
        };
        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, answer);
    }

    public async Task GetAsync(HttpContext context)
    {
        var id = (string)context.GetRouteValue("id")!;
        var order = await store.GetOrderAsync(id, context.RequestAborted) ?? throw NotFound(id);
        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, order);
    }

    public async Task SetErpReferenceAsync(HttpContext context)
    {
        var id = (string)context.GetRouteValue("id")!;
        var (_, body) = await JsonAnswers.ReadAsync(context);
        if (body is not JsonObject obj
            || obj["erp_order_no"] is not JsonValue value
            || value.GetValueKind() != JsonValueKind.String
            || string.IsNullOrWhiteSpace(value.GetValue<string>()))
        {
            throw Bad("The body must be { \"erp_order_no\": \"<non-empty string>\" }.");
        }

        var erpOrderNo = value.GetValue<string>();
        var (result, order) = await store.SetErpReferenceAsync(id, erpOrderNo, context.RequestAborted);
        switch (result)
        {
            case ErpReferenceResult.NotFound:
                throw NotFound(id);
            case ErpReferenceResult.Conflict:
                throw new ProblemException(StatusCodes.Status409Conflict,
                    $"Order '{id}' is already linked to ERP order '{order!["erp_order_no"]}'.");
            default:
                await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, order!);
                break;
        }
    }

    private static string? TimeParameter(IQueryCollection query, string name)
    {
        if (Single(query, name) is not { } text)
        {
            return null;
        }

        return PortalTime.Normalize(text)
            ?? throw Bad($"{name} must be a local portal time yyyy-MM-ddTHH:mm:ss (no offset), not '{text}'.");
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw Bad($"{name} is given more than once."),
        };
    }

    private static ProblemException Bad(string detail) => new(StatusCodes.Status400BadRequest, detail);

    private static ProblemException NotFound(string id) => new(StatusCodes.Status404NotFound, $"No order '{id}'.");
}
