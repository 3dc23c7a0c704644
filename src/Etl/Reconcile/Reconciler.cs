using Etl.Configuration;
using Etl.Entities;
using Etl.Outbound.Outbox;
using Etl.PortalApi;
using Etl.Runs;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Reconcile;

/// <summary>
/// Reconciles one entity: reads the latest snapshot (the ERP), the portal's records and the baseline, compares them,
/// and with repair writes the correcting payloads through the outbound path: each record validated by the entity's
/// rules, batched by <see cref="StagedPayloads"/> and published into outbox/ with the baseline advanced once they all are,
/// exactly as a run publishes (upserts for missing and different records with the ERP's valid values, deletes for
/// extra ones). Keys the repair sends nothing for get the baseline the portal's actual values, so that the baseline
/// says again what the portal holds. The caller drains the outbox.
/// </summary>
internal sealed class Reconciler(EtlSettings settings, StateStore state, TimeProvider clock, ILogger logger)
{
    /// <summary>Reconciles an entity; a portal that cannot be read fails it (a refused key throws <see cref="ConfigurationException"/>).</summary>
    public async Task<ReconcileResult> RunAsync(EntitySchema schema, PortalClient client, string runId, ReconcileOptions options, CancellationToken cancellationToken)
    {
        var result = new ReconcileResult(schema.Name);
        var erp = await ErpRecords.ReadLatestAsync(settings.DataRoot, schema, cancellationToken);
        if (erp is null)
        {
            result.Status = EntityStatus.Skipped;
            result.Reason = $"no snapshot of {schema.Name} yet: reconcile compares the portal with the latest snapshot, which a run of a pipeline with {schema.Name} writes.";
            logger.LogWarning("{Entity}: reconcile skipped, {Reason}", schema.Name, result.Reason);
            return result;
        }
        result.SnapshotRunId = erp.Snapshot.RunId;
        if (erp.ReportedInvalid is null)
        {
            result.Reason = $"the steward report of run {erp.Snapshot.RunId} is gone (pruned?): a portal record whose ERP row did not convert counts as extra.";
        }
        Dictionary<string, string[]> portal;
        try
        {
            portal = await PortalRecords.ReadAsync(client, schema, cancellationToken);
        }
        catch (PortalUnavailableException e)
        {
            result.Status = EntityStatus.Failed;
            result.Reason = "the portal's records could not be read: " + e.Message;
            logger.LogError("{Entity}: reconcile failed, {Reason}", schema.Name, result.Reason);
            return result;
        }
        var baseline = state.LoadBaseline(schema.Name).Entries().ToDictionary(StringComparer.Ordinal);
        var drift = Comparison.Compare(schema, erp.Valid, erp.IsInvalid, erp.InvalidCount, portal, baseline, options.Tolerances, result);
        logger.LogInformation("{Entity}: reconciled with snapshot {Snapshot}: ERP {Valid} valid ({Invalid} invalid), portal {Portal}, in step {InStep}, missing {Missing}, extra {Extra}, different {Different}, baseline stale {Stale}",
            schema.Name, erp.Snapshot.RunId, result.ErpValid, result.ErpInvalid, result.Portal, result.InStep, result.Missing.Count, result.Extra.Count, result.Different.Count, result.BaselineStale.Count);
        if (options.Repair) Repair(schema, erp, portal, drift, runId, options, result);
        if (result.Lines.Count > 0) ReconcileReport.WriteCsv(RunReports.FolderOf(settings.DataRoot, runId), result);
        return result;
    }

    private void Repair(EntitySchema schema, ErpRecords erp, Dictionary<string, string[]> portal, Drift drift, string runId, ReconcileOptions options, ReconcileResult result)
    {
        var counts = new RepairCounts();
        result.Repair = counts;
        var upserts = new List<ChangeRecord>();
        foreach (var key in drift.Missing.Concat(drift.Different).Order(StringComparer.Ordinal))
        {
            var row = erp.Valid[key];
            var validation = schema.Validator.Validate(row);
            if (!validation.IsValid)
            {
                counts.Invalid++;
                foreach (var failure in validation.Errors)
                {
                    var index = schema.Fields.Select(f => f.Name).ToList().IndexOf(failure.PropertyName);
                    result.Lines.Add(new ReconcileLine("not_repaired", EntityKey.Display(key), failure.PropertyName,
                        index >= 0 ? row.Raw[index] : null, null, null, $"{failure.ErrorCode}: {failure.ErrorMessage}"));
                }
                continue;
            }
            upserts.Add(new ChangeRecord(key, row, RowFactory.PortalValues(schema, row)));
        }
        var deletes = drift.Extra.Select(key => new ChangeRecord(key, null, null)).ToList();

        var drop = settings.Drop;
        if (!options.AllowMassRemoval && portal.Count > 0 && deletes.Count * 100m > drop.MaxRemovedPercent * portal.Count && deletes.Count >= drop.MinRemovedToStop)
        {
            result.Status = EntityStatus.Stopped;
            result.Reason = $"the repair would delete {deletes.Count} of the {portal.Count} records the portal holds, more than the allowed {drop.MaxRemovedPercent}% (Drop:MaxRemovedPercent); nothing was written. Check that Portal:BaseUrl is the right portal; if the removal is intended, re-run with --allow-mass-removal.";
            logger.LogError("{Entity}: repair stopped, {Reason}", schema.Name, result.Reason);
            return;
        }

        // The baseline of every key the payloads do not carry becomes what the portal holds now.
        var sent = upserts.Concat(deletes).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var corrections = drift.BaselineStale.Where(e => !sent.Contains(e.Key)).Select(e => new BaselineChange(e.Key, e.Value)).ToList();
        if (corrections.Count > 0) state.ApplyToBaseline(schema.Name, corrections);
        counts.BaselineCorrected = corrections.Count;

        using var payloads = new StagedPayloads(Delivery.Uploader.OutboxOf(settings.DataRoot), schema, runId, AsOf(schema, erp, options), options.BatchSize);
        payloads.Add(upserts);
        payloads.Add(deletes);
        payloads.Complete();
        counts.Batches = payloads.Publish(clock).Count;
        state.ApplyToBaseline(schema.Name, payloads.Changes);
        counts.Upserts = upserts.Count;
        counts.Deletes = deletes.Count;
        logger.LogInformation("{Entity}: repair wrote {Upserts} upsert(s) and {Deletes} delete(s) in {Batches} payload(s); {Invalid} record(s) not sent (invalid); baseline corrected for {Corrected} key(s)",
            schema.Name, counts.Upserts, counts.Deletes, counts.Batches, counts.Invalid, counts.BaselineCorrected);
    }

    /// <summary>
    /// The as_of of repair payloads. The uploader leaves out records older than what the portal has received since for
    /// the same key, so it must be no older than anything delivered for the entity (or the repair would be dropped as
    /// stale) and no newer than the snapshot's extraction (or the next run's fresher drop would be): the newest as_of
    /// the delivery ledger holds for the entity, which came from the snapshot's run or earlier ones. With nothing
    /// delivered yet, the start of the snapshot's run (its drop was written before it).
    /// </summary>
    private DateTimeOffset AsOf(EntitySchema schema, ErpRecords erp, ReconcileOptions options)
    {
        using (var ledger = Delivery.DeliveryLedger.Open(settings.DataRoot, options.PortalIdentity))
        {
            if (ledger.NewestAsOf(schema.Name) is { } delivered
                && DateTimeOffset.TryParse(delivered, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var asOf))
            {
                return asOf;
            }
        }
        return DateTimeOffset.ParseExact(erp.Snapshot.RunId[..16], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
    }
}

/// <summary>How one entity is reconciled.</summary>
/// <param name="Repair">Write correcting payloads (and correct the baseline).</param>
/// <param name="AllowMassRemoval">Let a repair delete more than Drop:MaxRemovedPercent of the portal's records.</param>
/// <param name="Tolerances">The pipeline's absolute tolerances per field: a smaller difference is no difference.</param>
/// <param name="BatchSize">Records per repair payload.</param>
/// <param name="PortalIdentity">The portal's name in the delivery ledger (<see cref="PortalTarget.Identity"/>).</param>
internal sealed record ReconcileOptions(bool Repair, bool AllowMassRemoval, IReadOnlyDictionary<string, decimal> Tolerances, int BatchSize, string PortalIdentity);
