using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Etl.PortalSandbox;

namespace Etl.EndToEnd.Tests.Support;

/// <summary>A sandbox portal on a loopback port (America/Chicago), and the environment that points etl at it.</summary>
internal sealed class PortalFixture : IAsyncDisposable
{
    public const string ApiKey = "test-key";
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    private PortalFixture(Etl.PortalSandbox.PortalSandbox sandbox)
    {
        Sandbox = sandbox;
        Http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public Etl.PortalSandbox.PortalSandbox Sandbox { get; }

    public HttpClient Http { get; }

    public static async Task<PortalFixture> StartAsync(string stateFolder) =>
        new(await Etl.PortalSandbox.PortalSandbox.StartAsync(new SandboxOptions
        {
            Urls = "http://127.0.0.1:0",
            StateFile = Path.Combine(stateFolder, "portal.db"),
            ApiKey = ApiKey,
            TimeZone = Zone.Id,
        }));

    /// <summary>Environment variables that point an etl child process at this portal, with short waits.</summary>
    public Dictionary<string, string> Environment() => new()
    {
        ["ETL_Portal__BaseUrl"] = Sandbox.BaseAddress.ToString(),
        ["ETL_Portal__ApiKey"] = ApiKey,
        ["ETL_Portal__TimeZone"] = Zone.Id,
        ["ETL_Portal__MaxRetryDelay"] = "00:00:01",
        ["ETL_Portal__Timeout"] = "00:00:20",
        ["ETL_Orders__SettleLag"] = "00:00:00",
    };

    /// <summary>A portal-local time some minutes ago.</summary>
    public static string LocalMinutesAgo(int minutes) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(-minutes), Zone).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    public async Task PostAsync(string path, JsonNode body)
    {
        using var response = await Http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonNode> GetAsync(string path) => JsonNode.Parse(await Http.GetStringAsync(path))!;

    public async Task<string?> ErpNumberOfAsync(string portalOrderId) =>
        (await GetAsync("api/v1/orders/" + portalOrderId))["erp_order_no"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
    }
}
