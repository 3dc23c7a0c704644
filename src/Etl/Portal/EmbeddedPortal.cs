using Etl.PortalSandbox;

namespace Etl.PortalApi;

/// <summary>
/// The sandbox portal hosted in-process on a free loopback port, with its state in &lt;data-root&gt;/portal-sandbox.db:
/// what every command that needs a portal talks to when Portal:BaseUrl is empty (CONTRACTS.md section 1).
/// </summary>
internal static class EmbeddedPortal
{
    /// <summary>The sandbox's state file under a data root.</summary>
    public static string StateFile(string dataRoot) => Path.GetFullPath(Path.Combine(dataRoot, "portal-sandbox.db"));

    /// <summary>Starts the sandbox; a bad time zone or key is a configuration error.</summary>
    public static async Task<Etl.PortalSandbox.PortalSandbox> StartAsync(string dataRoot, string apiKey, string timeZone, CancellationToken cancellationToken)
    {
        try
        {
            return await Etl.PortalSandbox.PortalSandbox.StartAsync(new SandboxOptions
            {
                Urls = "http://127.0.0.1:0",
                StateFile = StateFile(dataRoot),
                ApiKey = apiKey,
                TimeZone = timeZone,
            }, cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new Configuration.ConfigurationException("the in-process sandbox portal (Portal:BaseUrl is empty): " +
                (e.Message.Contains("ApiKey", StringComparison.Ordinal) ? "Portal:ApiKey must not be empty." : e.Message.Split(" (Parameter", 2)[0]));
        }
    }
}
