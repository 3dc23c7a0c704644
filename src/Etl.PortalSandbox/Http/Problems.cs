using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Etl.PortalSandbox.Http;

/// <summary>Writes RFC 7807 problem documents (<c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>).</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static JsonObject Create(int status, string detail) => new()
    {
        ["type"] = "about:blank",
        ["title"] = Title(status),
        ["status"] = status,
        ["detail"] = detail,
    };

    public static Task WriteAsync(HttpContext context, int status, string detail, int? retryAfterSeconds = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        return JsonAnswers.WriteAsync(context, status, Create(status, detail), ContentType);
    }

    private static string Title(int status)
    {
        var phrase = ReasonPhrases.GetReasonPhrase(status);
        return phrase.Length > 0 ? phrase : $"HTTP {status}";
    }
}
