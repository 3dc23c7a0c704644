using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Etl.PortalSandbox.Http;
using Etl.PortalSandbox.Storage;

namespace Etl.PortalSandbox.Api;

/// <summary><c>GET /api/v1/data/{entity}</c>: the portal's current records of an entity.</summary>
internal sealed class DataApi(SandboxStore store)
{
    public async Task GetAsync(HttpContext context)
    {
        var entity = ImportsApi.Entity(context);
        var records = await store.GetRecordsAsync(entity, context.RequestAborted);
        await JsonAnswers.WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["records"] = new JsonArray([.. records]) });
    }
}
