using Etl.Configuration;

namespace Etl.PortalApi;

/// <summary>
/// The portal a command delivers to: Portal:BaseUrl, or, when that is empty, the sandbox hosted in-process for as long
/// as this target lives. <see cref="Identity"/> names the portal in the delivery ledger: the base URL (scheme, host,
/// port, path; never user information), or for the in-process sandbox its state file.
/// </summary>
internal sealed class PortalTarget : IAsyncDisposable
{
    private readonly Etl.PortalSandbox.PortalSandbox? _embedded;

    private PortalTarget(Uri baseAddress, string identity, Etl.PortalSandbox.PortalSandbox? embedded)
    {
        BaseAddress = baseAddress;
        Identity = identity;
        _embedded = embedded;
    }

    /// <summary>Where calls go.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The ledger's name for this portal.</summary>
    public string Identity { get; }

    /// <summary>Whether this is the in-process sandbox.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <summary>The ledger identity of a configured portal (without starting anything).</summary>
    public static string IdentityOf(PortalSettings portal, string dataRoot) =>
        string.IsNullOrWhiteSpace(portal.BaseUrl) ? "sandbox:" + EmbeddedPortal.StateFile(dataRoot) : "url:" + Normalize(ParseBaseUrl(portal.BaseUrl)).AbsoluteUri;

    /// <summary>Resolves the portal of the settings, starting the in-process sandbox when Portal:BaseUrl is empty.</summary>
    public static async Task<PortalTarget> OpenAsync(PortalSettings portal, string dataRoot, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(portal.BaseUrl))
        {
            var sandbox = await EmbeddedPortal.StartAsync(dataRoot, portal.ApiKey, portal.TimeZone, cancellationToken);
            return new PortalTarget(sandbox.BaseAddress, IdentityOf(portal, dataRoot), sandbox);
        }
        var url = ParseBaseUrl(portal.BaseUrl);
        return new PortalTarget(url, IdentityOf(portal, dataRoot), null);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
    }

    private static Uri ParseBaseUrl(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigurationException("Portal:BaseUrl is not an absolute http(s) URL (e.g. https://portal.example.com/); leave it empty for the in-process sandbox.");
        }
        return url;
    }

    // Credentials, queries and fragments are no part of a portal's name; a trailing slash is.
    private static Uri Normalize(Uri url)
    {
        var builder = new UriBuilder(url) { UserName = "", Password = "", Query = "", Fragment = "" };
        if (!builder.Path.EndsWith('/')) builder.Path += "/";
        return builder.Uri;
    }
}
