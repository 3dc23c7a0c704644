using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Etl.PortalSandbox.Http;

/// <summary>Reads request bodies as JSON and writes JSON answers.</summary>
internal static class JsonAnswers
{
    public const string ContentType = "application/json; charset=utf-8";

    private static readonly JsonDocumentOptions StrictDocument = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    public static Task WriteAsync(HttpContext context, int status, JsonNode body, string contentType = ContentType)
        => WriteRawAsync(context, status, body.ToJsonString(), contentType);

    public static async Task WriteRawAsync(HttpContext context, int status, string json, string contentType = ContentType)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>The request body as bytes (for hashing) and as parsed JSON; 400 when it is not JSON.</summary>
    public static async Task<(byte[] Bytes, JsonNode Node)> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var bytes = buffer.ToArray();
        return (bytes, Parse(bytes));
    }

    public static JsonNode Parse(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "The request body is empty; a JSON document was expected.");
        }

        try
        {
            return JsonNode.Parse(bytes, documentOptions: StrictDocument)
                ?? throw new ProblemException(StatusCodes.Status400BadRequest, "The request body is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {ex.Message}");
        }
    }
}
