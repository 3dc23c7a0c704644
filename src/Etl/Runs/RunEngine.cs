using System.Globalization;
using Etl.Configuration;
using Etl.Delivery;
using Etl.Entities;
using Etl.Erp;
using Etl.Inbound;
using Etl.Inbound.Match;
using Etl.Inbound.Pull;
using Etl.Inbound.Window;
using Etl.PortalApi;
using Etl.Outbound;
using Etl.Outbound.Extract;
using Etl.Outbound.Snapshots;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Runs;

/// <summary>
/// One run of a pipeline end to end: the run lock, every outbound entity in parallel (each its own Dataflow
/// graph), then orders, then the outbox drain; the reports and the run history at the end.
/// </summary>
public sealed class RunEngine(EtlSettings settings, TimeProvider clock, ILogger logger, IRunProgress? progress = null)
{
    private string DataRoot => settings.DataRoot;

    /// <summary>Runs a pipeline; returns the summary (its exit code included).</summary>
    public async Task<RunSummary> RunAsync(PipelineDefinition pipeline, RunRequest request, CancellationToken cancellationToken)
    {
        var selected = Select(pipeline, request);
        var startedAt = clock.GetUtcNow();
        var runId = NewRunId(startedAt);
        var summary = new RunSummary { RunId = runId, Pipeline = pipeline.Name, StartedAt = startedAt };
        using var runLock = RunLock.TryAcquire(DataRoot, new RunLockHolder(pipeline.Name, runId, startedAt, Environment.ProcessId), out var holder);
        if (runLock is null)
        {
            summary.ExitCode = ExitCodes.Locked;
            summary.Notices.Add($"another run holds the data root {Path.GetFullPath(DataRoot)}: {holder}. Nothing was done; try again when it has finished.");
            return summary;
        }
        SweepLeftovers();
        using var state = StateStore.Open(DataRoot);
        state.RecordRunStarted(runId, pipeline.Name, startedAt);
        logger.LogInformation("Run {RunId} of pipeline {Pipeline} started (data root {DataRoot})", runId, pipeline.Name, Path.GetFullPath(DataRoot));

        var results = await Task.WhenAll(selected.Select(e => Task.Run(() => RunEntityAsync(e, state, runId, startedAt, request, cancellationToken), cancellationToken)));
        summary.Entities.AddRange(results);
        var checkpoint = state.CheckpointAsync();
        await using var portal = new PortalSession(settings, clock, logger);
        var ordersExitCode = ExitCodes.Done;
        if (pipeline.Orders && request.Includes(EntityCatalog.Orders))
        {
            progress?.Stage(EntityCatalog.Orders, "import");
            ordersExitCode = await ImportOrdersAsync(summary, portal, runId, request, cancellationToken);
            progress?.Finished(EntityCatalog.Orders, ordersExitCode == ExitCodes.Done ? EntityStatus.Done : EntityStatus.Failed);
        }
        if (!request.NoUpload) progress?.Stage("upload", "send");
        var uploadExitCode = await DrainOutboxAsync(summary, portal, state, request, cancellationToken);
        if (!request.NoUpload) progress?.Finished("upload", uploadExitCode == ExitCodes.Done ? EntityStatus.Done : EntityStatus.Failed);
        var reconcileExitCode = await ReconcileAsync(pipeline, summary, portal, state, request, cancellationToken);
        var entitiesExitCode = results.Any(r => r.Status is EntityStatus.Failed or EntityStatus.Stopped) ? ExitCodes.PartlyFailed : ExitCodes.Done;
        summary.ExitCode = ExitCodes.Combine(entitiesExitCode, ordersExitCode, uploadExitCode, reconcileExitCode);
        summary.FinishedAt = clock.GetUtcNow();
        RunReports.Write(DataRoot, summary);
        state.RecordRunFinished(runId, summary.FinishedAt, summary.ExitCode, RunReports.Json(summary));
        logger.LogInformation("Run {RunId} finished with exit code {ExitCode}; reports in {Reports}", runId, summary.ExitCode, RunReports.FolderOf(DataRoot, runId));
        await checkpoint;
        return summary;
    }

    /// <summary>
    /// Removes the hidden temp files a killed run left behind (staged payloads, half-written snapshots and reports).
    /// Holding the run lock, nothing else of this data root can be writing them.
    /// </summary>
    private void SweepLeftovers()
    {
        var outbox = Path.Combine(DataRoot, "outbox");
        var leftovers = Directory.Exists(outbox) ? Directory.EnumerateFiles(outbox, ".*.json.tmp") : [];
        foreach (var folder in new[] { "snapshots", "reports" }.Select(f => Path.Combine(DataRoot, f)).Where(Directory.Exists))
        {
            leftovers = leftovers.Concat(Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.AllDirectories));
        }
        foreach (var file in leftovers.ToList())
        {
            File.Delete(file);
            logger.LogInformation("Removed {File}, left by a run that did not finish", Path.GetRelativePath(DataRoot, file));
        }
    }

    /// <summary>
    /// A new run id: YYYYMMDDTHHMMSSZ- plus six random hex digits (they only tell runs of the same second apart, so
    /// not the cryptographic generator, whose start-up costs a run 10 ms).
    /// </summary>
    public static string NewRunId(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Random.Shared.Next(1 << 24).ToString("x6", CultureInfo.InvariantCulture);

    private static List<EntityDefinition> Select(PipelineDefinition pipeline, RunRequest request)
    {
        var known = pipeline.Entities.Select(e => e.Name).ToHashSet();
        if (pipeline.Orders) known.Add(EntityCatalog.Orders);
        known.UnionWith(pipeline.Reconcile);
        var unknown = request.Only.Where(n => !known.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException($"--only: pipeline '{pipeline.Name}' has no {string.Join(", ", unknown.Select(n => $"'{n}'"))} (it has: {string.Join(", ", known.Order())}).");
        }
        return [.. pipeline.Entities.Where(e => request.Includes(e.Name))];
    }

    private async Task<EntityResult> RunEntityAsync(EntityDefinition definition, StateStore state, string runId, DateTimeOffset startedAt, RunRequest request, CancellationToken cancellationToken)
    {
        var schema = EntityCatalog.Find(definition.Name)!;
        var drops = new DropFolder(DataRoot, schema.Name);
        DropSelection? selection = null;
        IRowSource source;
        try
        {
            if (definition.Source == "sql")
            {
                source = await SqlSource.ExtractAsync(schema, new ErpDatabase(settings.Erp, DataRoot), definition.Query!, clock.GetUtcNow(), cancellationToken);
            }
            else
            {
                selection = drops.Select(clock.GetUtcNow(), settings.Drop.SettleTime);
                if (selection.Newest is null && request.FullResync && SnapshotSource.Latest(DataRoot, schema.Name) is { } last)
                {
                    logger.LogInformation("{Entity}: no new drop; full resync from the last snapshot {Snapshot}", schema.Name, last.Path);
                    source = await SnapshotSource.ReadAsync(schema, last, cancellationToken);
                }
                else if (selection.Newest is null)
                {
                    var reason = selection.Waiting > 0
                        ? $"no settled drop in {drops.Path} ({selection.Waiting} file(s) still being written; they are taken once older than {settings.Drop.SettleTime} or marked .done)"
                        : $"no new drop in {drops.Path}";
                    logger.LogInformation("{Entity}: skipped, {Reason}", schema.Name, reason);
                    return new EntityResult(schema.Name) { Status = EntityStatus.Skipped, Reason = reason };
                }
                else
                {
                    source = new CsvDropSource(schema, selection.Newest!);
                }
            }
        }
        catch (Exception e) when (e is DropFileException or System.Data.Common.DbException or InvalidOperationException or ArgumentException or IOException or NotSupportedException)
        {
            // A broken drop, or an ERP the query cannot reach (bad connection string, server down): this entity fails, the others go on.
            logger.LogError("{Entity}: failed, {Reason}", schema.Name, e.Message);
            return new EntityResult(schema.Name) { Status = EntityStatus.Failed, Reason = e.Message };
        }

        var times = new StageTimes();
        // On a thread of its own: the diff waits for the baseline, and queued for the pool the load waited behind other
        // work for up to 0.15 s while a core idled.
        var loading = Task.Factory.StartNew(() => times.Time("baseline load", () => state.LoadBaseline(schema.Name)),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var graph = new OutboundGraph(Job(schema, definition, source, runId, startedAt, request), loading, DataRoot, progress, times);
        var result = graph.Result;
        try
        {
            var (payloads, snapshot) = await graph.RunAsync(cancellationToken);
            var baseline = await loading;
            result = graph.Result;
            using (payloads)
            await using (snapshot)
            {
                if (graph.GuardViolation() is { } violation)
                {
                    Stop(result, violation.Status, violation.Reason, drops, selection);
                }
                else
                {
                    progress?.Stage(schema.Name, "publish");
                    var published = graph.Times.Time("publish", () =>
                    {
                        var files = payloads.Publish(clock);
                        snapshot.Publish();
                        return files;
                    });
                    result.Batches = published.Count;
                    result.RecordsWritten = payloads.Records;
                    graph.Times.Time("baseline save", () => state.AdvanceBaseline(schema.Name, baseline, payloads.ChangePages));
                    result.Snapshot = snapshot.Path;
                    if (selection?.Newest is { } newest) drops.MoveToProcessed(newest, runId);
                }
            }
        }
        catch (DropFileException e)
        {
            result = graph.Result;
            Stop(result, EntityStatus.Failed, e.Message, drops, selection);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            result = graph.Result;
            result.Status = EntityStatus.Failed;
            result.Reason = $"{source.Name}: {e.Message}";
            logger.LogError("{Entity}: failed, {Reason}", schema.Name, result.Reason);
        }
        foreach (var superseded in selection?.Superseded ?? []) drops.MoveToProcessed(superseded, runId);
        if (selection?.Superseded.Count > 0) logger.LogInformation("{Entity}: {Count} older drop(s) superseded by {Newest}", schema.Name, selection.Superseded.Count, source.Name);
        if (result.Status == EntityStatus.Done)
        {
            logger.LogInformation("{Entity}: read {Read}, unchanged {Unchanged}, added {Added}, changed {Changed}, removed {Removed}, invalid {Invalid}, {Batches} payload(s) with {Records} record(s)",
                schema.Name, result.Read, result.Unchanged, result.Added, result.Changed, result.Removed, result.Invalid, result.Batches, result.RecordsWritten);
            logger.LogInformation("{Entity}: time per stage (summed over threads): {Stages}", schema.Name, graph.Times);
        }
        progress?.Finished(schema.Name, result.Status);
        return result;
    }

    private void Stop(EntityResult result, string status, string reason, DropFolder drops, DropSelection? selection)
    {
        result.Status = status;
        result.Reason = reason;
        result.Batches = 0;
        result.RecordsWritten = 0;
        if (selection?.Newest is { } newest)
        {
            var moved = drops.MoveToFailed(newest, reason);
            result.Reason += $" The file was moved to {Path.GetRelativePath(DataRoot, moved)}.";
        }
        logger.LogError("{Entity}: {Status}, {Reason}", result.Entity, status, result.Reason);
    }

    private EntityJob Job(EntitySchema schema, EntityDefinition definition, IRowSource source, string runId, DateTimeOffset startedAt, RunRequest request)
    {
        var drop = settings.Drop;
        decimal Guard(string key, decimal fallback) => definition.Guards.TryGetValue(key, out var value) ? value : fallback;
        var guards = new Guards(
            Guard("max_bad_row_percent", drop.MaxBadRowPercent),
            (int)Guard("min_bad_rows_to_fail", drop.MinBadRowsToFail),
            Guard("max_removed_percent", drop.MaxRemovedPercent),
            (int)Guard("min_removed_to_stop", drop.MinRemovedToStop),
            request.AllowMassRemoval);
        return new EntityJob(schema, source, runId, startedAt, definition.BatchSize ?? settings.Outbound.BatchSize,
            definition.Tolerances, guards, request.FullResync);
    }

    /// <summary>
    /// The order import (CONTRACTS.md section 5): fills the summary's order counts; returns its share of the exit code
    /// (3 when a pull, an ERP write or a back-update failed, 2 for a bad portal setting or key).
    /// </summary>
    private async Task<int> ImportOrdersAsync(RunSummary summary, PortalSession portal, string runId, RunRequest request, CancellationToken cancellationToken)
    {
        var orders = settings.Orders;
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(settings.Portal.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new ConfigurationException($"Portal:TimeZone = '{settings.Portal.TimeZone}' is not a known IANA time zone (e.g. America/Chicago).");
        }
        var statuses = orders.ImportStatuses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        try
        {
            var (_, client) = await portal.OpenAsync(cancellationToken);
            await using var erp = await ErpGateway.OpenAsync(new ErpDatabase(settings.Erp, DataRoot), settings.Erp.OrderNumberPrefix, cancellationToken);
            using var ledger = OrderLedger.Open(DataRoot);
            var window = PullWindow.For(clock.GetUtcNow(), ledger.Checkpoint, request.Since, orders.Lookback, orders.SettleLag, orders.InitialLookback, zone);
            logger.LogInformation("orders: pulling updates from {From} to {To} portal time ({Zone})", window.UpdatedFrom, window.UpdatedTo, zone.Id);
            var result = await new OrderImport(new PortalOrdersClient(client), erp, ledger, new OrderDecider(statuses), clock, logger).RunAsync(runId, window, cancellationToken);
            var c = result.Counts;
            summary.Orders.CopyFrom(c);
            logger.LogInformation("orders: pulled {Pulled}, skipped by status {Skipped}, out of scope {OutOfScope}, invalid {Invalid}, linked {Linked}, created {Created}, back-updated {BackUpdated}, held for review {Review}, failed {Failed}",
                c.Pulled, c.SkippedStatus, c.OutOfScope, c.Invalid, c.Linked, c.Created, c.BackUpdated, c.Review, c.Failed);
            if (result.PullFailure is not null) summary.Notices.Add($"orders: the pull failed and the checkpoint stays where it was; the next run reads the window again. {result.PullFailure}");
            if (c.Failed > 0) summary.Notices.Add($"orders: {c.Failed} order(s) failed; their back-updates are parked and retried by the next run (see etl review list for held orders).");
            return result.HasFailures ? ExitCodes.PartlyFailed : ExitCodes.Done;
        }
        catch (Exception e) when (e is not (OperationCanceledException or ConfigurationException))
        {
            // The ERP or the portal could not be used at all (unreachable, a connection string the provider refuses):
            // the orders fail, the rest of the run stands, and the next run reads the same window again.
            summary.Notices.Add($"orders: the import failed and the checkpoint stays where it was: {e.Message}");
            logger.LogError("orders: the import failed: {Problem}", e.Message);
            return ExitCodes.PartlyFailed;
        }
    }

    /// <summary>
    /// The pipeline's "reconcile" entities (with --only, those it names), report only, after the drain: their counts go
    /// into the summary's reconcile section; returns their share of the exit code (drift alone is not a failure).
    /// </summary>
    private async Task<int> ReconcileAsync(PipelineDefinition pipeline, RunSummary summary, PortalSession portal, StateStore state, RunRequest request, CancellationToken cancellationToken)
    {
        // The names first: most runs have none, and the query below is compiled at run time (4 ms at the run's end).
        var names = pipeline.Reconcile.Where(request.Includes).ToList();
        if (names.Count == 0) return ExitCodes.Done;
        var entities = names
            .Select(n => (EntityCatalog.Find(n)!, pipeline.Entities.FirstOrDefault(e => e.Name == n)?.Tolerances ?? new Dictionary<string, decimal>()))
            .ToList();
        if (request.NoUpload) summary.Notices.Add("reconcile: --no-upload left this run's payloads in outbox/; their records show as drift until they are delivered.");
        progress?.Stage("reconcile", "compare");
        var code = await new Reconcile.ReconcileEngine(settings, clock, logger).ReconcileAsync(summary, portal, state, entities, repair: false, allowMassRemoval: false, settings.Outbound.BatchSize, cancellationToken);
        progress?.Finished("reconcile", code == ExitCodes.Done ? EntityStatus.Done : EntityStatus.Failed);
        return code;
    }

    /// <summary>
    /// The outbox drain at the end of a run (unless --no-upload): fills the summary's upload counts; returns the drain's
    /// share of the exit code (2 for a refused key or a bad portal setting, 3 for refused or left-over payloads).
    /// </summary>
    private async Task<int> DrainOutboxAsync(RunSummary summary, PortalSession portal, StateStore state, RunRequest request, CancellationToken cancellationToken)
    {
        if (request.NoUpload)
        {
            summary.Upload.Pending = Uploader.CountWaiting(DataRoot);
            return ExitCodes.Done;
        }
        try
        {
            var drained = await Uploader.DrainOnceAsync(settings, portal, state, clock, logger, cancellationToken);
            drained.CopyTo(summary.Upload);
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
