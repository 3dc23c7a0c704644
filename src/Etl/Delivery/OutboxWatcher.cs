using Etl.Configuration;
using Etl.PortalApi;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Delivery;

/// <summary>
/// <c>etl upload --watch</c>: drains the outbox whenever a file appears (a FileSystemWatcher) and at every rescan
/// (watchers drop events under load), until cancelled. The portal, its client and the ledger live as long as the
/// watcher; the sender lock is held only during a pass, so a run's own drain and <c>etl upload</c> take turns with it.
/// A bad key ends the watch (exit 2): it will not get better by waiting.
/// </summary>
internal sealed class OutboxWatcher(string outbox, Func<CancellationToken, Task<DrainResult>> drain, TimeSpan rescan, ILogger logger)
{
    /// <summary>The periodic rescan of <c>etl upload --watch</c>.</summary>
    public static readonly TimeSpan DefaultRescan = TimeSpan.FromSeconds(5);

    /// <summary>Watches a data root's outbox with everything it needs until cancelled; returns the last pass (its exit code included).</summary>
    public static async Task<DrainResult> RunAsync(EtlSettings settings, TimeProvider clock, ILogger logger, Action<string>? onReady, CancellationToken cancellationToken)
    {
        await using var target = await PortalTarget.OpenAsync(settings.Portal, settings.DataRoot, cancellationToken);
        using var client = new PortalClient(target.BaseAddress, settings.Portal, clock, logger);
        using var ledger = DeliveryLedger.Open(settings.DataRoot, target.Identity);
        using var state = StateStore.Open(settings.DataRoot);
        var outbox = Uploader.OutboxOf(settings.DataRoot);
        var uploader = new Uploader(outbox, client, ledger, state, clock, logger);
        onReady?.Invoke(target.IsEmbedded ? $"{target.BaseAddress} (the in-process sandbox)" : target.BaseAddress.ToString());
        return await new OutboxWatcher(outbox, uploader.DrainAsync, DefaultRescan, logger).RunAsync(cancellationToken);
    }

    /// <summary>Drains, then waits for a file event or the rescan, until cancelled or the key is refused.</summary>
    public async Task<DrainResult> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outbox);
        using var signal = new SemaphoreSlim(0, 1);
        void Poke()
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // A pass is already due.
            }
            catch (ObjectDisposedException)
            {
                // The watch has ended.
            }
        }
        using var watcher = new FileSystemWatcher(outbox, "*.json")
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Created += (_, e) => { if (OutboxScanner.IsCandidateName(e.Name ?? "")) Poke(); };
        watcher.Renamed += (_, e) => { if (OutboxScanner.IsCandidateName(e.Name ?? "")) Poke(); };
        watcher.Changed += (_, e) => { if (OutboxScanner.IsCandidateName(e.Name ?? "")) Poke(); };
        watcher.Error += (_, e) =>
        {
            logger.LogWarning("The outbox watcher lost events ({Reason}); rescanning", e.GetException().Message);
            Poke();
        };
        watcher.EnableRaisingEvents = true;

        var last = new DrainResult();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                last = await drain(cancellationToken);
                if (last.AuthFailed) return last;
                await signal.WaitAsync(rescan, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException or PortalApi.PortalUnavailableException)
            {
                // A watcher outlives bad moments: say so and try again at the next rescan.
                logger.LogError("Outbox pass failed ({Problem}); trying again in {Seconds:0} s", e.Message, rescan.TotalSeconds);
                await Task.Delay(rescan, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        return last;
    }
}
