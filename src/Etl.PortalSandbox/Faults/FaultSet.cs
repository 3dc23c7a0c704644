using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Etl.PortalSandbox.Http;

namespace Etl.PortalSandbox.Faults;

/// <summary>The body of <c>POST /sandbox/faults</c>: the whole fault set (<c>{}</c> means none).</summary>
internal sealed record FaultSet(
    double? RateLimitPerSecond,
    int? Burst,
    IReadOnlyDictionary<string, int> LockOrders,
    int FailNext,
    int FailStatus,
    int DelayMs,
    int MalformedNext)
{
    public static FaultSet None { get; } = new(null, null, new Dictionary<string, int>(), 0, 503, 0, 0);

    public static FaultSet Parse(JsonNode body)
    {
        if (body is not JsonObject obj)
        {
            throw Bad("The fault set must be a JSON object.");
        }

        double? rate = null;
        int? burst = null;
        var locks = new Dictionary<string, int>(StringComparer.Ordinal);
        int failNext = 0, failStatus = 503, delayMs = 0, malformedNext = 0;
        foreach (var (name, value) in obj)
        {
            if (value is null)
            {
                continue;
            }

            switch (name)
            {
                case "rate_limit_per_second":
                    rate = Number(name, value);
                    if (rate <= 0)
                    {
                        throw Bad("rate_limit_per_second must be greater than 0.");
                    }

                    break;
                case "burst":
                    burst = Count(name, value);
                    if (burst < 1)
                    {
                        throw Bad("burst must be at least 1.");
                    }

                    break;
                case "lock_orders":
                    if (value is not JsonObject lockObj)
                    {
                        throw Bad("lock_orders must be an object { \"<order id>\": n }.");
                    }

                    foreach (var (id, n) in lockObj)
                    {
                        locks[id] = n is null ? 0 : Count($"lock_orders.{id}", n);
                    }

                    break;
                case "fail_next":
                    failNext = Count(name, value);
                    break;
                case "fail_status":
                    failStatus = Count(name, value);
                    if (failStatus is < 400 or > 599)
                    {
                        throw Bad("fail_status must be an HTTP error status (400-599).");
                    }

                    break;
                case "delay_ms":
                    delayMs = Count(name, value);
                    break;
                case "malformed_next":
                    malformedNext = Count(name, value);
                    break;
                default:
                    throw Bad($"Unknown fault '{name}'. Known: rate_limit_per_second, burst, lock_orders, fail_next, fail_status, delay_ms, malformed_next.");
            }
        }

        if (burst is not null && rate is null)
        {
            throw Bad("burst needs rate_limit_per_second.");
        }

        return new FaultSet(rate, burst, locks, failNext, failStatus, delayMs, malformedNext);
    }

    private static double Number(string name, JsonNode value)
    {
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            return value.GetValue<double>();
        }

        throw Bad($"{name} must be a number.");
    }

    private static int Count(string name, JsonNode value)
    {
        if (value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<int>(out var n) && n >= 0)
        {
            return n;
        }

        throw Bad($"{name} must be a whole number >= 0.");
    }

    private static ProblemException Bad(string detail) => new(StatusCodes.Status400BadRequest, detail);
}
