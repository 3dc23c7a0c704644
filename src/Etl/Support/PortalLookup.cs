using System.Text.Json;
using Etl.Configuration;
using Etl.PortalApi;
using Microsoft.Extensions.Logging.Abstractions;

namespace Etl.Support;

/// <summary>
/// Reads from the portal for the support trail, when it can be reached: Portal:BaseUrl, or the in-process sandbox of
/// the data root when its state file exists (a trace never creates one). Few attempts and a short timeout, and every
/// failure becomes a note (<see cref="PortalRead.Note"/>) instead of an error: a trace must work with the portal down.
/// </summary>
internal sealed class PortalLookup : IAsyncDisposable
{
    private readonly PortalTarget? _target;
    private readonly PortalClient? _client;

    private PortalLookup(PortalTarget? target, PortalClient? client, string? unreachable)
    {
        _target = target;
        _client = client;
        Unreachable = unreachable;
    }

    /// <summary>Why the portal cannot be asked, or null when it can.</summary>
    public string? Unreachable { get; }

    /// <summary>Opens the portal of the settings for reading.</summary>
    public static async Task<PortalLookup> OpenAsync(EtlSettings settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        var portal = new PortalSettings
        {
            BaseUrl = settings.Portal.BaseUrl,
            ApiKey = settings.Portal.ApiKey,
            TimeZone = settings.Portal.TimeZone,
            Timeout = settings.Portal.Timeout < TimeSpan.FromSeconds(10) ? settings.Portal.Timeout : TimeSpan.FromSeconds(10),
            MaxAttempts = Math.Min(2, settings.Portal.MaxAttempts),
            MaxRetryDelay = settings.Portal.MaxRetryDelay < TimeSpan.FromSeconds(1) ? settings.Portal.MaxRetryDelay : TimeSpan.FromSeconds(1),
        };
        if (string.IsNullOrWhiteSpace(portal.BaseUrl) && !File.Exists(EmbeddedPortal.StateFile(settings.DataRoot)))
        {
            return new PortalLookup(null, null, $"Portal:BaseUrl is empty and the data root has no sandbox portal ({EmbeddedPortal.StateFile(settings.DataRoot)} does not exist)");
        }
        PortalTarget target;
        try
        {
            target = await PortalTarget.OpenAsync(portal, settings.DataRoot, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bad Portal:BaseUrl, a sandbox state file that cannot be opened: the trail shows without the portal.
            return new PortalLookup(null, null, e.Message);
        }
        return new PortalLookup(target, new PortalClient(target.BaseAddress, portal, clock, NullLogger.Instance), null);
    }

    /// <summary>GET a path of the portal API as JSON; never throws for the portal's sake.</summary>
    public async Task<PortalRead> GetAsync(string path, CancellationToken cancellationToken)
    {
        if (_client is null) return new PortalRead(null, null, "portal not reachable: " + Unreachable);
        PortalAnswer answer;
        try
        {
            answer = await _client.SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new PortalRead(null, null, "portal not reachable: " + _client.Redact(e.Message));
        }
        if (answer.IsAuthFailure) return new PortalRead(answer.Status, null, $"portal not reachable: it refused the API key ({answer.Status}); check Portal:ApiKey");
        if (!answer.IsSuccess) return new PortalRead(answer.Status, null, answer.Status == 404 ? null : $"portal not reachable: GET {path} answered {answer.Status}");
        try
        {
            return new PortalRead(answer.Status, JsonDocument.Parse(answer.Body), null);
        }
        catch (JsonException e)
        {
            return new PortalRead(answer.Status, null, $"portal not reachable: GET {path} answered with a body that is not JSON ({e.Message})");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_target is not null) await _target.DisposeAsync();
    }
}

/// <summary>What a GET found: the status (null when no answer came), the document on success, or a note saying why not.</summary>
internal sealed record PortalRead(int? Status, JsonDocument? Document, string? Note)
{
    /// <summary>The portal answered 404.</summary>
    public bool NotFound => Status == 404;
}
