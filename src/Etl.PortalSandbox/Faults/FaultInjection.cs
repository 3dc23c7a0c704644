using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Etl.PortalSandbox.Api;
using Etl.PortalSandbox.Http;

namespace Etl.PortalSandbox.Faults;

/// <summary>
/// Applies the fault set to <c>/api/</c> calls, after auth, in the contract's order: rate limit,
/// order locks, forced failures, delay, malformed bodies.
/// </summary>
internal sealed class FaultInjection(FaultState faults)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (!faults.TryTakeToken(out var retryAfter))
        {
            await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Rate limit exceeded.", retryAfter);
            return;
        }

        if (LockedOrderId(context) is { } orderId && faults.TryConsumeLock(orderId))
        {
            await Problems.WriteAsync(context, StatusCodes.Status423Locked, $"Order '{orderId}' is locked; try again.", 1);
            return;
        }

        if (faults.TryConsumeFailure(out var failStatus))
        {
            await Problems.WriteAsync(context, failStatus, "Injected failure.", 1);
            return;
        }

        if (faults.DelayMs > 0)
        {
            await Task.Delay(faults.DelayMs, context.RequestAborted);
        }

        if (!faults.TryConsumeMalformed())
        {
            await next(context);
            return;
        }

        // The call runs for real (an import is applied); only its answer arrives cut short.
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var full = buffer.ToArray();
        var cut = full.Length / 2;
        context.Response.ContentLength = cut;
        await original.WriteAsync(full.AsMemory(0, cut), context.RequestAborted);
    }

    private static string? LockedOrderId(HttpContext context)
    {
        var template = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var lockable = (HttpMethods.IsGet(context.Request.Method) && template == Routes.Order)
            || (HttpMethods.IsPut(context.Request.Method) && template == Routes.ErpReference);
        return lockable ? context.GetRouteValue("id") as string : null;
    }
}
