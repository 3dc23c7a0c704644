using Microsoft.Extensions.Logging;

namespace Etl.PortalSandbox;

/// <summary>
/// How a <see cref="PortalSandbox"/> is started (CONTRACTS.md section 4, "The sandbox").
/// </summary>
public sealed class SandboxOptions
{
    /// <summary>
    /// Where to listen, ASP.NET Core style, several separated by <c>;</c>. Default
    /// <c>http://127.0.0.1:5080</c> (loopback); <c>http://127.0.0.1:0</c> picks a free port.
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The SQLite file holding the sandbox's state; created (with its folder) when missing.</summary>
    public required string StateFile { get; set; }

    /// <summary>The bearer key every call must carry. Default <c>sandbox-key</c>.</summary>
    public string ApiKey { get; set; } = "sandbox-key";

    /// <summary>The portal's IANA time zone. Default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Optional logging set-up. By default the sandbox logs nothing (the host that starts it prints
    /// what it needs, e.g. <c>Now listening on: &lt;url&gt;</c> from <see cref="PortalSandbox.BaseAddress"/>).
    /// </summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}
