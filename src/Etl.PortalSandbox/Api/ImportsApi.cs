using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Etl.PortalSandbox.Entities;
using Etl.PortalSandbox.Http;
using Etl.PortalSandbox.Imports;
using Etl.PortalSandbox.Storage;

namespace Etl.PortalSandbox.Api;

/// <summary><c>POST /api/v1/imports/{entity}</c>: payloads applied under an idempotency key.</summary>
internal sealed class ImportsApi(SandboxStore store)
{
    public async Task ImportAsync(HttpContext context)
    {
        var entity = Entity(context);
        string? key = context.Request.Headers["Idempotency-Key"];
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "The Idempotency-Key header is required.");
        }

        var (_, body) = await JsonAnswers.ReadAsync(context);
        if (body is not JsonObject payload)
        {
            throw Bad("The payload must be a JSON object.");
        }

        if (payload["entity"] is not JsonValue named || named.GetValueKind() != JsonValueKind.String)
        {
            throw Bad("The payload has no entity.");
        }

        if (named.GetValue<string>() != entity.Name)
        {
            throw Bad($"The payload's entity '{named.GetValue<string>()}' differs from the path's '{entity.Name}'.");
        }

        if (payload["records"] is not JsonArray records)
        {
            throw Bad("The payload has no records array.");
        }

        var outcome = await store.ImportAsync(entity, key, Hash(entity, payload), records, context.RequestAborted);
        if (outcome.Kind == ImportOutcomeKind.KeyConflict)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity,
                "This Idempotency-Key was already used with another body.");
        }

        await JsonAnswers.WriteRawAsync(context, StatusCodes.Status200OK, outcome.Answer);
    }

    /// <summary>The entity named by the route; 404 for one the portal does not know.</summary>
    public static EntitySpec Entity(HttpContext context)
    {
        var name = (string)context.GetRouteValue("entity")!;
        return EntitySpec.All.TryGetValue(name, out var entity)
            ? entity
            : throw new ProblemException(StatusCodes.Status404NotFound,
                $"Unknown entity '{name}'. Known: {string.Join(", ", EntitySpec.All.Keys)}.");
    }

    // The same body is the same JSON document: whitespace does not make a body another one.
    private static string Hash(EntitySpec entity, JsonObject payload)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(entity.Name + "\n" + payload.ToJsonString())));

    private static ProblemException Bad(string detail) => new(StatusCodes.Status400BadRequest, detail);
}
