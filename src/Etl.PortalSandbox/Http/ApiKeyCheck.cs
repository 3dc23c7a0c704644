using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Etl.PortalSandbox.Http;

/// <summary>Every call, control calls included, needs <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
internal sealed class ApiKeyCheck(string apiKey)
{
    private readonly byte[] expected = Encoding.UTF8.GetBytes(apiKey);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string? header = context.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        if (header is not null
            && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), expected))
        {
            return next(context);
        }

        // The detail never echoes what was sent: a key must not end up in a client's logs.
        var detail = header is null ? "The Authorization header is missing." : "The bearer key is not valid.";
        return Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, detail);
    }
}
