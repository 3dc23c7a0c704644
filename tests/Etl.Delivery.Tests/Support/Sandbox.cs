using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Etl.PortalSandbox;

namespace Etl.Delivery.Tests.Support;

/// <summary>A sandbox portal started in the test process on a free loopback port, and a client for its calls.</summary>
internal sealed class Sandbox : IAsyncDisposable
{
    private Sandbox(PortalSandbox.PortalSandbox portal, HttpClient client, string apiKey)
    {
        Portal = portal;
        Client = client;
        ApiKey = apiKey;
    }

    public PortalSandbox.PortalSandbox Portal { get; }

    public HttpClient Client { get; }

    /// <summary>The key the sandbox takes: distinctive, so that a leak into any output is found by a plain search.</summary>
    public string ApiKey { get; }

    public string BaseUrl => Portal.BaseAddress.AbsoluteUri;

    public static async Task<Sandbox> StartAsync(string stateFile)
    {
        var key = "k3y-" + Guid.NewGuid().ToString("N")[..16];
        var portal = await PortalSandbox.PortalSandbox.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", StateFile = stateFile, ApiKey = key });
        var client = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new Sandbox(portal, client, key);
    }

    /// <summary>The environment that points an etl child process at this sandbox, with short retries.</summary>
    public Dictionary<string, string> Environment(string? apiKey = null) => new()
    {
        ["ETL_Portal__BaseUrl"] = BaseUrl,
        ["ETL_Portal__ApiKey"] = apiKey ?? ApiKey,
        ["ETL_Portal__MaxRetryDelay"] = "00:00:01",
        ["ETL_Portal__Timeout"] = "00:00:05",
        ["ETL_Drop__SettleTime"] = "00:00:00",
    };

    public async Task SetFaultsAsync(string json)
    {
        using var response = await Client.PostAsync("sandbox/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The portal's records of an entity.</summary>
    public async Task<JsonArray> DataAsync(string entity)
    {
        var body = await Client.GetFromJsonAsync<JsonObject>($"api/v1/data/{entity}");
        return body!["records"]!.AsArray();
    }

    /// <summary>Calls counted by route and status, e.g. Requests()["POST /api/v1/imports/{entity}"]["200"].</summary>
    public async Task<JsonObject> RequestsAsync() => (await Client.GetFromJsonAsync<JsonObject>("sandbox/requests"))!["requests"]!.AsObject();

    /// <summary>How many import calls answered <paramref name="status"/>.</summary>
    public async Task<int> ImportsAsync(int status = 200) =>
        (await RequestsAsync())["POST /api/v1/imports/{entity}"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.GetValue<int>() ?? 0;

    /// <summary>Posts an import directly (a portal that already holds something).</summary>
    public async Task ImportAsync(string entity, string idempotencyKey, string payloadJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/imports/{entity}") { Content = new StringContent(payloadJson, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await Client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Portal.DisposeAsync();
    }
}
