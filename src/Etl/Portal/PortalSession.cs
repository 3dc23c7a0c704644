using Etl.Configuration;
using Microsoft.Extensions.Logging;

namespace Etl.PortalApi;

/// <summary>
/// The portal of one command, opened on first use and shared by everything that command does with it (the order
/// import and the outbox drain of a run): one in-process sandbox at most, one client, one rate limiter.
/// </summary>
internal sealed class PortalSession(EtlSettings settings, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private PortalTarget? _target;
    private PortalClient? _client;

    /// <summary>The portal and its client, opening them if needed.</summary>
    public async Task<(PortalTarget Target, PortalClient Client)> OpenAsync(CancellationToken cancellationToken)
    {
        _target ??= await PortalTarget.OpenAsync(settings.Portal, settings.DataRoot, cancellationToken);
        _client ??= new PortalClient(_target.BaseAddress, settings.Portal, clock, logger);
        return (_target, _client);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_target is not null) await _target.DisposeAsync();
    }
}
