using Etl.Configuration;
using Etl.Delivery;
using Etl.Entities;
using Etl.PortalApi;
using Etl.Runs;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Reconcile;

/// <summary>
/// <c>etl reconcile &lt;entity&gt;... [--repair]</c> end to end, as a run of its own: a run id of the contract's format,
/// a row in the run history (pipeline <see cref="PipelineName"/>), reports/&lt;run-id&gt;/summary.json with a "reconcile"
/// section, summary.txt and &lt;entity&gt;.reconcile.csv. A repair holds the run lock (exit 4 naming the holder), first
/// delivers what waits in outbox/ (so that it does not count as drift), then publishes its correcting payloads and
/// drains the outbox like a run. A report-only reconcile changes nothing and takes no lock.
/// </summary>
public sealed class ReconcileEngine(EtlSettings settings, TimeProvider clock, ILogger logger)
{
    /// <summary>The pipeline name a reconcile is recorded under in the run history and its summary.</summary>
    public const string PipelineName = "reconcile";

    private string DataRoot => settings.DataRoot;

    /// <summary>Reconciles entities; returns the summary (its exit code included). An unknown entity is a <see cref="ConfigurationException"/>.</summary>
    public async Task<RunSummary> RunAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var schemas = Resolve(request.Entities);
        var startedAt = clock.GetUtcNow();
        var runId = RunEngine.NewRunId(startedAt);
        var summary = new RunSummary { RunId = runId, Pipeline = PipelineName, StartedAt = startedAt };
        RunLock? runLock = null;
        if (request.Repair)
        {
            runLock = RunLock.TryAcquire(DataRoot, new RunLockHolder(PipelineName, runId, startedAt, Environment.ProcessId), out var holder);
            if (runLock is null)
            {
                summary.ExitCode = ExitCodes.Locked;
                summary.Notices.Add($"another run holds the data root {Path.GetFullPath(DataRoot)}: {holder}. Nothing was done; try again when it has finished.");
                return summary;
            }
        }
        using (runLock)
        {
            using var state = StateStore.Open(DataRoot);
            state.RecordRunStarted(runId, PipelineName, startedAt);
            logger.LogInformation("Reconcile {RunId} of {Entities} started{Repair} (data root {DataRoot})", runId, string.Join(", ", schemas.Select(s => s.Name)),
                request.Repair ? " with repair" : "", Path.GetFullPath(DataRoot));
            await using var portal = new PortalSession(settings, clock, logger);
            var codes = new List<int>();
            if (request.Repair)
            {
                codes.Add(await DrainAsync(summary, portal, state, cancellationToken));
            }
            else if (Uploader.CountWaiting(DataRoot) is > 0 and var waiting)
            {
                summary.Notices.Add($"reconcile: {waiting} payload file(s) wait in outbox/; the portal lacks their records until they are delivered (etl upload), so they may show as drift here.");
            }
            if (codes.All(c => c != ExitCodes.BadConfiguration))
            {
                var entities = schemas.Select(s => (s, (IReadOnlyDictionary<string, decimal>)new Dictionary<string, decimal>())).ToList();
                codes.Add(await ReconcileAsync(summary, portal, state, entities, request.Repair, request.AllowMassRemoval, settings.Outbound.BatchSize, cancellationToken));
                if (summary.Reconcile.Any(r => r.Repair is { Batches: > 0 })) codes.Add(await DrainAsync(summary, portal, state, cancellationToken));
            }
            summary.ExitCode = ExitCodes.Combine([.. codes]);
            summary.FinishedAt = clock.GetUtcNow();
            RunReports.Write(DataRoot, summary);
            state.RecordRunFinished(runId, summary.FinishedAt, summary.ExitCode, RunReports.Json(summary));
            logger.LogInformation("Reconcile {RunId} finished with exit code {ExitCode}; reports in {Reports}", runId, summary.ExitCode, RunReports.FolderOf(DataRoot, runId));
        }
        return summary;
    }

    /// <summary>
    /// Reconciles entities through a portal session and state a caller shares (a run's, or this command's), adding a
    /// result per entity to the summary; returns their share of the exit code: 2 for a refused key or a bad portal
    /// setting, 3 when an entity failed or its repair was stopped, else 0 (drift alone is a finding, not a failure).
    /// </summary>
    internal async Task<int> ReconcileAsync(RunSummary summary, PortalSession portal, StateStore state,
        IReadOnlyList<(EntitySchema Schema, IReadOnlyDictionary<string, decimal> Tolerances)> entities, bool repair, bool allowMassRemoval, int batchSize,
        CancellationToken cancellationToken)
    {
        try
        {
            var (target, client) = await portal.OpenAsync(cancellationToken);
            var reconciler = new Reconciler(settings, state, clock, logger);
            foreach (var (schema, tolerances) in entities)
            {
                var result = await reconciler.RunAsync(schema, client, summary.RunId, new ReconcileOptions(repair, allowMassRemoval, tolerances, batchSize, target.Identity), cancellationToken);
                summary.Reconcile.Add(result);
            }
        }
        catch (ConfigurationException e)
        {
            summary.Notices.Add("reconcile: " + e.Message);
            logger.LogError("reconcile: {Problem}", e.Message);
            return ExitCodes.BadConfiguration;
        }
        catch (Exception e) when (e is IOException or System.Data.Common.DbException or PortalUnavailableException)
        {
            summary.Notices.Add($"reconcile: stopped, {e.Message}");
            logger.LogError("reconcile: stopped, {Problem}", e.Message);
            return ExitCodes.PartlyFailed;
        }
        return summary.Reconcile.Any(r => r.Status is EntityStatus.Failed or EntityStatus.Stopped) ? ExitCodes.PartlyFailed : ExitCodes.Done;
    }

    private static List<EntitySchema> Resolve(IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new ConfigurationException("reconcile: name at least one entity.");
        var unknown = names.Where(n => EntityCatalog.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException($"reconcile: unknown entity {string.Join(", ", unknown.Select(n => $"'{n}'"))} (known: {string.Join(", ", EntityCatalog.All.Select(e => e.Name))}).");
        }
        return [.. names.Distinct().Select(n => EntityCatalog.Find(n)!)];
    }

    // The upload counts of the summary add up over the drain before the repair and the one after it.
    private async Task<int> DrainAsync(RunSummary summary, PortalSession portal, StateStore state, CancellationToken cancellationToken)
    {
        try
        {
            var drained = await Uploader.DrainOnceAsync(settings, portal, state, clock, logger, cancellationToken);
            summary.Upload.Sent += drained.Sent;
            summary.Upload.Failed += drained.Failed;
            summary.Upload.RejectedRecords += drained.RejectedRecords;
            summary.Upload.Pending = drained.Pending;
            summary.Notices.AddRange(drained.Notices);
            return drained.ExitCode;
        }
        catch (Exception e) when (e is ConfigurationException or IOException or System.Data.Common.DbException)
        {
            summary.Upload.Pending = Uploader.CountWaiting(DataRoot);
            summary.Notices.Add($"upload: nothing was delivered ({e.Message}); {summary.Upload.Pending} payload file(s) wait in outbox/.");
            return e is ConfigurationException ? ExitCodes.BadConfiguration : ExitCodes.PartlyFailed;
        }
    }
}

/// <summary>What <c>etl reconcile</c> was asked to do.</summary>
public sealed class ReconcileRequest
{
    /// <summary>The entities, in the order given.</summary>
    public required IReadOnlyList<string> Entities { get; init; }

    /// <summary>Write correcting payloads and deliver them.</summary>
    public bool Repair { get; init; }

    /// <summary>Let a repair delete more than Drop:MaxRemovedPercent of the portal's records.</summary>
    public bool AllowMassRemoval { get; init; }
}
