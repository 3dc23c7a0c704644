using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Etl.PortalSandbox.Tests.Support;

/// <summary>
/// Starts a fresh sandbox per test on a free loopback port with a temp state file, and gives a
/// client that carries the key. Everything goes over real HTTP.
/// </summary>
public abstract class SandboxTestBase
{
    protected const string ApiKey = "test-key";

    private string tempDir = "";

    protected PortalSandbox Sandbox { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected string StateFile => Path.Combine(tempDir, "portal-sandbox.db");

    /// <summary>The portal time zone the sandbox of each test starts with.</summary>
    protected virtual string TimeZone => "UTC";

    [SetUp]
    public async Task StartSandboxAsync()
    {
        tempDir = Path.Combine(Path.GetTempPath(), "etl-sandbox-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tempDir);
        await StartAsync();
    }

    [TearDown]
    public async Task StopSandboxAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(tempDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    protected async Task StartAsync()
    {
        Sandbox = await PortalSandbox.StartAsync(new SandboxOptions
        {
            Urls = "http://127.0.0.1:0",
            StateFile = StateFile,
            ApiKey = ApiKey,
            TimeZone = TimeZone,
        });
        Client = NewClient(ApiKey);
    }

    protected async Task StopAsync()
    {
        Client?.Dispose();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }

    protected HttpClient NewClient(string? key)
    {
        var client = new HttpClient { BaseAddress = Sandbox.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected Task<HttpResponseMessage> PostAsync(string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return Client.SendAsync(request);
    }

    protected Task<HttpResponseMessage> PostAsync(string path, JsonNode body, string? idempotencyKey = null)
        => PostAsync(path, body.ToJsonString(), idempotencyKey);

    protected Task<HttpResponseMessage> PutAsync(string path, JsonNode body)
        => Client.PutAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>Sends and expects 200, answering the body as JSON.</summary>
    protected static async Task<JsonNode> OkJsonAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonNode.Parse(text)!;
    }

    protected Task<JsonNode> GetJsonAsync(string path) => OkJsonAsync(Client.GetAsync(path));

    /// <summary>Asserts an RFC 7807 problem of the given status; answers it.</summary>
    protected static async Task<JsonObject> AssertProblemAsync(Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        return await AssertProblemAsync(response, status);
    }

    protected static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonNode.Parse(text)!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["type"]?.GetValue<string>(), Is.Not.Empty);
            Assert.That(problem["title"]?.GetValue<string>(), Is.Not.Empty);
            Assert.That(problem["status"]?.GetValue<int>(), Is.EqualTo((int)status));
            Assert.That(problem["detail"]?.GetValue<string>(), Is.Not.Empty);
        }

        return problem;
    }

    protected Task<JsonNode> SeedAsync(params JsonObject[] orders)
        => OkJsonAsync(PostAsync("sandbox/orders", new JsonArray([.. orders])));

    protected Task<JsonNode> SetFaultsAsync(string json) => OkJsonAsync(PostAsync("sandbox/faults", json));

    protected Task<JsonNode> FreezeClockAsync(string? localTime)
        => OkJsonAsync(PostAsync("sandbox/clock", new JsonObject { ["now"] = localTime }));

    protected Task<JsonNode> GetOrderAsync(string id) => GetJsonAsync($"api/v1/orders/{Uri.EscapeDataString(id)}");

    /// <summary>A minimal seeded order.</summary>
    protected static JsonObject Order(string id, string? updatedAt = null, string? status = null)
    {
        var order = new JsonObject
        {
            ["id"] = id,
            ["account_id"] = "ACC-1",
            ["customer_po"] = "PO-" + id,
            ["currency"] = "USD",
            ["lines"] = new JsonArray(new JsonObject { ["line_no"] = 1, ["sku"] = "A-1", ["qty"] = 2, ["unit_price"] = 12.5 }),
        };
        if (updatedAt is not null)
        {
            order["updated_at"] = updatedAt;
        }

        if (status is not null)
        {
            order["status"] = status;
        }

        return order;
    }

    /// <summary>An import payload of an entity.</summary>
    protected static JsonObject Payload(string entity, params JsonObject[] records) => new()
    {
        ["batch_id"] = $"{entity}-test-0001",
        ["entity"] = entity,
        ["run_id"] = "20261130T020000Z-abcdef",
        ["as_of"] = "2026-11-30T02:00:00Z",
        ["records"] = new JsonArray([.. records]),
    };

    protected static JsonObject Upsert(params (string Name, JsonNode? Value)[] fields) => Record("upsert", fields);

    protected static JsonObject Delete(params (string Name, JsonNode? Value)[] fields) => Record("delete", fields);

    protected static JsonObject Record(string op, params (string Name, JsonNode? Value)[] fields)
    {
        var record = new JsonObject { ["op"] = op };
        foreach (var (name, value) in fields)
        {
            record[name] = value;
        }

        return record;
    }

    protected Task<JsonNode> ImportAsync(string key, JsonObject payload)
        => OkJsonAsync(PostAsync($"api/v1/imports/{payload["entity"]}", payload, key));

    protected async Task<JsonArray> DataAsync(string entity)
        => (await GetJsonAsync($"api/v1/data/{entity}"))["records"]!.AsArray();
}
