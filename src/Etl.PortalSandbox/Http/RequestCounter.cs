using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Etl.PortalSandbox.Http;

/// <summary>
/// Counts <c>/api/</c> calls by method and route template and by answered status, for
/// <c>GET /sandbox/requests</c>. Control calls are not counted, so a client's traffic reads alone.
/// </summary>
internal sealed class RequestCounter
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<string, SortedDictionary<int, int>> counts = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            Add(KeyOf(context), status);
        }
    }

    public void Clear()
    {
        lock (gate) { counts.Clear(); }
    }

    public JsonObject Snapshot()
    {
        var requests = new JsonObject();
        lock (gate)
        {
            foreach (var (route, byStatus) in counts)
            {
                var entry = new JsonObject();
                foreach (var (status, n) in byStatus)
                {
                    entry[status.ToString(CultureInfo.InvariantCulture)] = n;
                }

                requests[route] = entry;
            }
        }

        return new JsonObject { ["requests"] = requests };
    }

    private void Add(string key, int status)
    {
        lock (gate)
        {
            if (!counts.TryGetValue(key, out var byStatus))
            {
                counts[key] = byStatus = [];
            }

            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
        }
    }

    private static string KeyOf(HttpContext context)
    {
        var template = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value;
        return $"{context.Request.Method} {template}";
    }
}
