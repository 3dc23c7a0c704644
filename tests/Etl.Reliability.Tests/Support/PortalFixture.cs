using Etl.PortalSandbox;

namespace Etl.Reliability.Tests.Support;

/// <summary>A sandbox portal on a loopback port (America/Chicago), and the environment that points etl at it.</summary>
internal sealed class PortalFixture : IAsyncDisposable
{
    public const string ApiKey = "test-key";
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    private PortalFixture(Etl.PortalSandbox.PortalSandbox sandbox) => Sandbox = sandbox;

    public Etl.PortalSandbox.PortalSandbox Sandbox { get; }

    /// <summary>Starts a sandbox whose state file lives in <paramref name="stateFolder"/> (not under a data root).</summary>
    public static async Task<PortalFixture> StartAsync(string stateFolder) =>
        new(await Etl.PortalSandbox.PortalSandbox.StartAsync(new SandboxOptions
        {
            Urls = "http://127.0.0.1:0",
            StateFile = Path.Combine(stateFolder, "portal.db"),
            ApiKey = ApiKey,
            TimeZone = Zone.Id,
        }));

    /// <summary>Environment variables that point an etl child process at this portal with <paramref name="apiKey"/>, with short waits.</summary>
    public Dictionary<string, string> Environment(string apiKey = ApiKey) => new()
    {
        ["ETL_Portal__BaseUrl"] = Sandbox.BaseAddress.ToString(),
        ["ETL_Portal__ApiKey"] = apiKey,
        ["ETL_Portal__TimeZone"] = Zone.Id,
        ["ETL_Portal__MaxRetryDelay"] = "00:00:01",
        ["ETL_Portal__Timeout"] = "00:00:20",
        ["ETL_Orders__SettleLag"] = "00:00:00",
    };

    public async ValueTask DisposeAsync() => await Sandbox.DisposeAsync();
}
