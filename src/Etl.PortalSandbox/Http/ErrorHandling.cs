using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Etl.PortalSandbox.Http;

/// <summary>
/// Turns <see cref="ProblemException"/>s, unexpected failures and bodiless error answers of the
/// framework (unknown route, wrong method) into problem documents.
/// </summary>
internal sealed class ErrorHandling(ILogger logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (ProblemException problem) when (!context.Response.HasStarted)
        {
            await Problems.WriteAsync(context, problem.Status, problem.Message);
            return;
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            // Kestrel's own refusals while reading the request, e.g. 413 for a body over its limit.
            await Problems.WriteAsync(context, bad.StatusCode, bad.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Sandbox call {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "The sandbox failed unexpectedly.");
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentType is null
            && response.ContentLength is null or 0)
        {
            var detail = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"No such resource: {context.Request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
                _ => "The call failed.",
            };
            await Problems.WriteAsync(context, response.StatusCode, detail);
        }
    }
}
