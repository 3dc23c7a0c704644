using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Etl.PortalSandbox.Faults;
using Etl.PortalSandbox.Http;
using Etl.PortalSandbox.Orders;
using Etl.PortalSandbox.Storage;
using Etl.PortalSandbox.Time;

namespace Etl.PortalSandbox.Control;

/// <summary>The control calls under <c>/sandbox/</c>: seed orders, faults, clock, reset, request counts.</summary>
internal sealed class ControlApi(SandboxStore store, FaultState faults, SandboxClock clock, RequestCounter counter)
{
    public async Task SeedOrdersAsync(HttpContext context)
    {
        var (_, body) = await JsonAnswers.ReadAsync(context);
        if (body is not JsonArray array)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "The body must be a JSON array of orders.");
        }

        var seeds = array.Select(OrderDocument.ValidateSeed).ToList();
        var upserted = await store.SeedOrdersAsync(seeds, context.RequestAborted);
        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["upserted"] = upserted });
    }

    public async Task SetFaultsAsync(HttpContext context)
    {
        var (_, body) = await JsonAnswers.ReadAsync(context);
        faults.Replace(FaultSet.Parse(body));
        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, faults.Describe());
    }

    public async Task SetClockAsync(HttpContext context)
    {
        var (_, body) = await JsonAnswers.ReadAsync(context);
        if (body is not JsonObject obj || !obj.TryGetPropertyValue("now", out var now))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest,
                "The body must be { \"now\": \"yyyy-MM-ddTHH:mm:ss\" } or { \"now\": null }.");
        }

        if (now is null)
        {
            clock.Release();
        }
        else if (now.GetValueKind() != JsonValueKind.String)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "now must be a local time string or null.");
        }
        else if (clock.TryResolve(now.GetValue<string>(), out var instant, out var error))
        {
            clock.Freeze(instant);
        }
        else
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, error);
        }

        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, ClockState());
    }

    public async Task ResetAsync(HttpContext context)
    {
        await store.ResetAsync(context.RequestAborted);
        faults.Replace(FaultSet.None);
        clock.Release();
        counter.Clear();
        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["reset"] = true });
    }

    public Task GetRequestsAsync(HttpContext context)
        => JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, counter.Snapshot());

    private JsonObject ClockState() => new()
    {
        ["now"] = clock.LocalNowText(),
        ["frozen"] = clock.IsFrozen,
        ["time_zone"] = clock.Zone.Id,
    };
}
