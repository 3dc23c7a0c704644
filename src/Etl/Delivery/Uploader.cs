using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.Configuration;
using Etl.Entities;
using Etl.PortalApi;
using Etl.State;
using Microsoft.Extensions.Logging;

namespace Etl.Delivery;

/// <summary>
/// Drains outbox/ once (CONTRACTS.md section 3): under the sender lock, every ready payload in delivery order is posted
/// to <c>/api/v1/imports/{entity}</c> with its batch id as the idempotency key. Accepted → sent/ with a receipt (rejected
/// records go back to "unknown" in the baseline, so the next run resends them); refused → failed/ with the portal's
/// reasons (all its keys go back to unknown); a bad key or a portal still failing after retries stops the pass and the
/// payload stays. The delivery ledger keeps re-drops from applying twice or rolling newer records back.
/// </summary>
internal sealed class Uploader(string outbox, PortalClient client, DeliveryLedger ledger, StateStore state, TimeProvider clock, ILogger logger)
{
    /// <summary>A payload whose as_of lies further ahead than this is refused.</summary>
    public static readonly TimeSpan MaxFutureAsOf = TimeSpan.FromHours(1);

    /// <summary>How long a pass waits at most for files still being written before it leaves them for the next.</summary>
    public static readonly TimeSpan MaxSettleWait = TimeSpan.FromSeconds(3);

    private enum Next { Continue, Stop }

    /// <summary>The outbox of a data root.</summary>
    public static string OutboxOf(string dataRoot) => Path.Combine(dataRoot, "outbox");

    /// <summary>Payload files waiting in a data root's outbox.</summary>
    public static int CountWaiting(string dataRoot) => OutboxScanner.CountCandidates(OutboxOf(dataRoot));

    /// <summary>
    /// One drain with everything it needs: nothing is started when the outbox is empty; otherwise the portal (the
    /// in-process sandbox when Portal:BaseUrl is empty), its client and the ledger live for this drain only.
    /// </summary>
    public static async Task<DrainResult> DrainOnceAsync(EtlSettings settings, StateStore state, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        await using var portal = new PortalSession(settings, clock, logger);
        return await DrainOnceAsync(settings, portal, state, clock, logger, cancellationToken);
    }

    /// <summary>One drain through a portal session the caller shares with other work.</summary>
    public static async Task<DrainResult> DrainOnceAsync(EtlSettings settings, PortalSession portal, StateStore state, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        if (CountWaiting(settings.DataRoot) == 0) return new DrainResult();
        var (target, client) = await portal.OpenAsync(cancellationToken);
        using var ledger = DeliveryLedger.Open(settings.DataRoot, target.Identity);
        return await new Uploader(OutboxOf(settings.DataRoot), client, ledger, state, clock, logger).DrainAsync(cancellationToken);
    }

    /// <summary>Removes the hidden temp files (receipts, error files) a killed sender left in sent/ and failed/; only the sender lock's holder writes them.</summary>
    private void SweepLeftovers()
    {
        foreach (var folder in new[] { "sent", "failed" }.Select(f => Path.Combine(outbox, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.AllDirectories))
            {
                File.Delete(file);
                logger.LogInformation("Removed {File}, left by a sender that did not finish", Path.GetRelativePath(outbox, file));
            }
        }
    }

    /// <summary>One pass: waits for the sender lock, sends what is ready, stops at a bad key or a transient failure.</summary>
    public async Task<DrainResult> DrainAsync(CancellationToken cancellationToken)
    {
        var result = new DrainResult();
        using (await SenderLock.AcquireAsync(outbox, logger, cancellationToken))
        {
            SweepLeftovers();
            var settleDeadline = clock.GetUtcNow() + MaxSettleWait;
            while (true)
            {
                var scan = OutboxScanner.Scan(outbox, clock.GetUtcNow());
                var stopped = false;
                foreach (var file in scan.Ready)
                {
                    if (await DeliverGuardedAsync(file, result, cancellationToken) == Next.Stop)
                    {
                        stopped = true;
                        break;
                    }
                }
                if (stopped) break;
                if (scan.Ready.Count > 0) continue; // files published meanwhile are taken in this pass too
                if (scan.Unsettled == 0 || clock.GetUtcNow() >= settleDeadline) break;
                await Task.Delay(TimeSpan.FromMilliseconds(250), clock, cancellationToken);
            }
        }
        result.Pending = OutboxScanner.Scan(outbox, clock.GetUtcNow()).Waiting;
        if (result.Sent + result.Failed > 0 || result.Pending > 0)
        {
            logger.LogInformation("Upload: {Result}", result);
        }
        return result;
    }

    // A file that cannot be read, moved or recorded (a full disk, a busy state database) stays where it is, and the
    // pass stops there: later files must not overtake it.
    private async Task<Next> DeliverGuardedAsync(OutboxFile file, DrainResult result, CancellationToken cancellationToken)
    {
        try
        {
            return await DeliverAsync(file, result, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            return StopTransient(file, $"{e.GetType().Name}: {client.Redact(e.Message)}", result);
        }
    }

    private async Task<Next> DeliverAsync(OutboxFile file, DrainResult result, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file.Path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return Next.Continue; // moved away by an operator meanwhile
        }
        Payload payload;
        try
        {
            payload = Payload.Parse(bytes);
        }
        catch (PayloadFormatException) when (OutboxScanner.IsBeingWritten(new FileInfo(file.Path), bytes, clock.GetUtcNow()))
        {
            return Next.Continue; // replaced since the scan and not whole yet: the next scan waits for it
        }
        catch (PayloadFormatException e)
        {
            Refuse(file, null, null, null, null, $"{file.Name} is not a payload: {e.Message}.", result);
            return Next.Continue;
        }

        var entity = file.Entity ?? payload.Entity;
        var schema = EntityCatalog.Find(entity);
        var keys = schema is null ? null : payload.Records.Select(r => Payload.KeyOf(schema, r)).ToArray();
        var now = clock.GetUtcNow();
        if (payload.AsOf > now + MaxFutureAsOf)
        {
            Refuse(file, payload, schema, keys, null,
                $"as_of {payload.AsOfText} lies more than {MaxFutureAsOf.TotalHours:0} hour(s) ahead of this machine's clock ({Payload.Format(now)}); refused so that it cannot pass for newer than what follows it.", result);
            return Next.Continue;
        }

        if (ledger.FindReceipt(payload.BatchId, payload.BodyHash) is { } firstReceipt)
        {
            DeliveryFiles.MoveToSent(outbox, file, firstReceipt, now);
            result.Sent++;
            logger.LogInformation("{File}: batch {Batch} was delivered before; not posted again, back in sent/ with its first receipt", file.Name, payload.BatchId);
            return Next.Continue;
        }

        // Records older than what the portal has received since for the same key are dropped; the rest goes out under
        // a key derived from the batch id (the batch id itself may already be taken at the portal by another body).
        var kept = Enumerable.Range(0, payload.Records.Count).ToList();
        if (keys is not null && payload.AsOfText is { } asOf)
        {
            var newest = ledger.NewestAsOf(entity, keys.OfType<string>().Distinct(StringComparer.Ordinal));
            kept.RemoveAll(i => keys[i] is { } key && newest.TryGetValue(key, out var delivered) && string.CompareOrdinal(delivered, asOf) > 0);
        }
        var superseded = payload.Records.Count - kept.Count;
        var body = payload.Bytes;
        var idempotencyKey = payload.BatchId;
        if (superseded > 0 || ledger.WasAccepted(payload.BatchId))
        {
            body = payload.WithRecords(kept);
            idempotencyKey = payload.BatchId + "-redrop-" + Payload.ShortHash(body);
        }
        if (superseded > 0)
        {
            logger.LogInformation("{File}: {Superseded} of {Count} record(s) are older than what the portal has received since; they are left out",
                file.Name, superseded, payload.Records.Count);
        }
        if (kept.Count == 0 && superseded > 0)
        {
            // Every record has been overtaken by newer deliveries: nothing is left to post.
            var receipt = Receipt(payload, null, 0, [], now, superseded, null);
            ledger.RecordAccepted(payload.BatchId, payload.BodyHash, entity, null, receipt, now, null, []);
            DeliveryFiles.MoveToSent(outbox, file, receipt, now);
            result.Sent++;
            return Next.Continue;
        }

        PortalAnswer answer;
        try
        {
            answer = await client.PostImportAsync(entity, idempotencyKey, body, cancellationToken);
        }
        catch (PortalUnavailableException e)
        {
            return StopTransient(file, e.Message, result);
        }
        now = clock.GetUtcNow();
        Testing.CrashPoints.Hit("upload.after-post");
        if (answer.IsSuccess)
        {
            Accept(file, payload, entity, schema, keys, kept, superseded, idempotencyKey, answer, now, result);
            return Next.Continue;
        }
        if (answer.IsAuthFailure)
        {
            result.AuthFailed = true;
            var notice = $"upload: the portal refused the API key ({answer.Status}); check Portal:ApiKey. {file.Name} and the payloads after it stay in outbox/.";
            result.Notices.Add(notice);
            logger.LogError("{Notice}", notice);
            return Next.Stop;
        }
        if (answer.IsTransient)
        {
            return StopTransient(file, $"the portal still answered {answer.Status} after {client.MaxAttempts} attempt(s)", result);
        }
        Refuse(file, payload, schema, keys, answer.Status, answer.Body, result);
        return Next.Continue;
    }

    private void Accept(OutboxFile file, Payload payload, string entity, EntitySchema? schema, string?[]? keys, List<int> kept, int superseded,
        string idempotencyKey, PortalAnswer answer, DateTimeOffset now, DrainResult result)
    {
        var document = JsonNode.Parse(answer.Body) as JsonObject ?? [];
        var rejected = new List<(int Index, string? Code, string? Message)>();
        if (document["rejected"] is JsonArray list)
        {
            foreach (var item in list.OfType<JsonObject>())
            {
                // The portal counts in the body it was sent; the receipt counts in the file beside it.
                var sentIndex = item["index"] is JsonValue v && v.TryGetValue<int>(out var i) ? i : -1;
                var index = sentIndex >= 0 && sentIndex < kept.Count ? kept[sentIndex] : -1;
                rejected.Add((index, item["code"]?.ToString(), item["message"] is { } m ? client.Redact(m.ToString()) : null));
            }
        }
        var rejectedKeys = rejected.Where(r => r.Index >= 0 && keys?[r.Index] is not null).Select(r => keys![r.Index]!).ToList();
        if (rejectedKeys.Count > 0) state.ForgetBaseline(entity, rejectedKeys);
        var rejectedIndexes = rejected.Select(r => r.Index).ToHashSet();
        var delivered = keys is null ? [] : kept.Where(i => !rejectedIndexes.Contains(i) && keys[i] is not null).Select(i => keys[i]!).ToList();
        var importId = document["import_id"]?.ToString();
        var accepted = document["accepted"] is JsonValue a && a.TryGetValue<int>(out var n) ? n : kept.Count - rejected.Count;
        var rejectedJson = rejected.Select(r => (JsonNode)new JsonObject
        {
            ["index"] = r.Index,
            ["code"] = r.Code,
            ["message"] = r.Message,
            ["key"] = r.Index >= 0 ? Payload.KeyFields(schema, payload.Records[r.Index]) : null,
        }).ToList();
        var receipt = Receipt(payload, importId, accepted, rejectedJson, now, superseded, idempotencyKey == payload.BatchId ? null : idempotencyKey);
        ledger.RecordAccepted(payload.BatchId, payload.BodyHash, entity, idempotencyKey, receipt, now, payload.AsOfText, delivered);
        Testing.CrashPoints.Hit("upload.after-ledger");
        DeliveryFiles.MoveToSent(outbox, file, receipt, now);
        result.Sent++;
        result.RejectedRecords += rejected.Count;
        logger.LogInformation("{File}: delivered as import {Import}, {Accepted} accepted, {Rejected} rejected", file.Name, importId, accepted, rejected.Count);
        foreach (var r in rejected.Take(20))
        {
            logger.LogWarning("{File}: record {Index} rejected ({Code}): {Message}", file.Name, r.Index, r.Code, r.Message);
        }
    }

    private void Refuse(OutboxFile file, Payload? payload, EntitySchema? schema, string?[]? keys, int? status, string problemText, DrainResult result)
    {
        var entity = file.Entity ?? payload?.Entity;
        var forgotten = keys?.OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (entity is not null && schema is not null && forgotten.Count > 0) state.ForgetBaseline(entity, forgotten);
        var error = new JsonObject
        {
            ["batch_id"] = payload?.BatchId,
            ["status"] = status,
            ["problem"] = Problem(status, problemText),
            ["failed_at"] = Payload.Format(clock.GetUtcNow()),
        };
        DeliveryFiles.MoveToFailed(outbox, file, error);
        result.Failed++;
        var reason = error["problem"]?["detail"]?.ToString() ?? error["problem"]?["title"]?.ToString();
        var notice = $"upload: {file.Name} was refused{(status is { } s ? $" by the portal ({s})" : "")}: {reason} It is in outbox/failed/ with {DeliveryFiles.ErrorName(file.Name)}; its {forgotten.Count} record(s) will be sent again by the next run that reads them.";
        result.Notices.Add(notice);
        logger.LogError("{Notice}", notice);
    }

    private Next StopTransient(OutboxFile file, string reason, DrainResult result)
    {
        reason = reason.TrimEnd('.');
        result.StoppedBy = reason;
        var notice = $"upload: {file.Name} could not be delivered ({reason}); it and the payloads after it stay in outbox/ for the next pass.";
        result.Notices.Add(notice);
        logger.LogError("{Notice}", notice);
        return Next.Stop;
    }

    // The portal's problem document as it came (key scrubbed); text that is not JSON becomes its detail.
    private JsonNode Problem(int? status, string text)
    {
        var redacted = client.Redact(text);
        if (status is not null)
        {
            try
            {
                if (JsonNode.Parse(redacted) is JsonObject problem) return problem;
            }
            catch (JsonException)
            {
                // Not JSON: kept as text below.
            }
        }
        return new JsonObject
        {
            ["title"] = status is null ? "Refused by the uploader" : "Refused by the portal",
            ["status"] = status,
            ["detail"] = redacted.Length > 2000 ? redacted[..2000] : redacted,
        };
    }

    private static string Receipt(Payload payload, string? importId, int accepted, List<JsonNode> rejected, DateTimeOffset deliveredAt, int superseded, string? derivedKey)
    {
        var receipt = new JsonObject
        {
            ["batch_id"] = payload.BatchId,
            ["import_id"] = importId,
            ["accepted"] = accepted,
            ["rejected"] = new JsonArray([.. rejected]),
            ["delivered_at"] = Payload.Format(deliveredAt),
        };
        if (derivedKey is not null) receipt["idempotency_key"] = derivedKey;
        if (superseded > 0) receipt["superseded"] = superseded;
        return DeliveryFiles.Json(receipt);
    }
}
