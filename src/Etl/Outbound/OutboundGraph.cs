using System.Threading.Tasks.Dataflow;
using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.Outbound.Diff;
using Etl.Outbound.Extract;
using Etl.Outbound.Outbox;
using Etl.Outbound.Snapshots;
using Etl.Runs;
using Etl.State;

namespace Etl.Outbound;

/// <summary>
/// One entity's outbound run as a TPL Dataflow graph over chunks of rows:
/// extract + convert (the source's thread) → diff + validate, which hands each chunk on to the Parquet snapshot and
/// its changes to batch + serialize (staged). Every block is bounded, and one that fails stops the others; nothing is
/// published here. The caller publishes the staged payloads and the snapshot once <see cref="GuardViolation"/> says
/// the entity may go on. A drop that repeats a key is classified a second time with its repeats known (all their rows
/// invalid); the first pass's output is discarded.
/// </summary>
/// <remarks>The baseline may still be loading when the graph starts: the drop is read meanwhile, the diff waits for it.</remarks>
public sealed class OutboundGraph(EntityJob job, Task<Baseline> baseline, string dataRoot, IRunProgress? progress = null, StageTimes? times = null)
{
    /// <summary>Chunks waiting in front of a block.</summary>
    private const int Capacity = 2;

    /// <summary>
    /// Chunks waiting in front of the diff, which waits for the baseline to load at first, and in front of the
    /// snapshot, which writes a row group every eight chunks: a row group's worth of room keeps the drop being read
    /// (and diffed) meanwhile. (Room for two row groups in front of the diff cost 36 MiB at a million rows and gained
    /// nothing measurable.)
    /// </summary>
    private const int RowGroupCapacity = SnapshotWriter.RowGroupSize / RowChunk.Capacity;

    /// <summary>The records the portal held before the run (the baseline's count as loaded), for the guards.</summary>
    private int _heldBefore;

    /// <summary>The counts and invalid records of the run.</summary>
    public EntityResult Result { get; private set; } = new(job.Schema.Name);

    /// <summary>Where the graph's time went, per stage (summed over its threads).</summary>
    public StageTimes Times { get; } = times ?? new();

    /// <summary>
    /// Reads the source (twice when it repeats a key) and stages payloads and snapshot. The baseline is left as it was
    /// loaded: the caller stores the staged payloads' changes once they are published (see <see cref="StateStore.AdvanceBaseline"/>).
    /// </summary>
    public async Task<(StagedPayloads Payloads, SnapshotWriter Snapshot)> RunAsync(CancellationToken cancellationToken)
    {
        var (payloads, snapshot, differ) = await PassAsync(null, cancellationToken);
        if (differ.Repeats is { } repeats)
        {
            payloads.Dispose();
            await snapshot.DisposeAsync();
            (await baseline).ClearSeen();
            Result = new EntityResult(job.Schema.Name);
            (payloads, snapshot, differ) = await PassAsync(repeats, cancellationToken);
        }
        try
        {
            // The snapshot's last row group is written while the removals are staged.
            var completing = Task.Run(async () =>
            {
                using (Times.Start("snapshot")) await snapshot.CompleteAsync(cancellationToken);
            }, cancellationToken);
            try
            {
                await StageRemovalsAsync(payloads, differ);
            }
            finally
            {
                await completing;
            }
            return (payloads, snapshot);
        }
        catch
        {
            payloads.Dispose();
            await snapshot.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages the removals and the last batch.</summary>
    private async Task StageRemovalsAsync(StagedPayloads payloads, Differ differ)
    {
        _heldBefore = (await baseline).Count;
        var removals = differ.Removals();
        Result.Removed = removals.Count;
        Times.Time("payloads", () =>
        {
            payloads.Add(removals.Select(key => new ChangeRecord(key, null, null)));
            payloads.Complete();
        });
    }

    /// <summary>One pass over the source: payloads staged (but for the removals) and row groups written; the differ then knows the repeats and removals.</summary>
    private async Task<(StagedPayloads Payloads, SnapshotWriter Snapshot, Differ Differ)> PassAsync(DropRepeats? knownRepeats, CancellationToken cancellationToken)
    {
        var schema = job.Schema;
        var report = progress ?? NoProgress.Instance;
        report.Stage(schema.Name, "diff", job.Source.Length);
        Differ? differ = null;
        async Task<Differ> DifferAsync() => differ ??= new Differ(schema, await baseline, job.Tolerances, job.FullResync, knownRepeats);
        var pool = new RowChunkPool(schema);
        var payloads = new StagedPayloads(Path.Combine(dataRoot, "outbox"), schema, job.RunId, job.Source.AsOf, job.BatchSize);
        var snapshot = await SnapshotWriter.CreateAsync(schema, SnapshotWriter.PathFor(dataRoot, schema.Name, job.RunId, job.RunStart), cancellationToken);
        try
        {
            var options = new ExecutionDataflowBlockOptions { BoundedCapacity = Capacity, CancellationToken = cancellationToken };
            var rowGroupOptions = new ExecutionDataflowBlockOptions { BoundedCapacity = RowGroupCapacity, CancellationToken = cancellationToken };
            var link = new DataflowLinkOptions { PropagateCompletion = true };
            var kinds = new ChangeKind[RowChunk.Capacity];
            var stage = new ActionBlock<List<ChangeRecord>>(changes => Times.Time("payloads", () => payloads.Add(changes)), options);
            var diff = new TransformBlock<RowChunk, RowChunk>(async chunk =>
            {
                var classifier = await DifferAsync();
                var changes = Times.Time("diff", () =>
                {
                    var changes = new List<ChangeRecord>();
                    classifier.Classify(chunk, kinds, changes);
                    Count(chunk, kinds);
                    return changes;
                });
                // Straight to their payloads, not behind the snapshot's row groups: fewer records wait in memory for a
                // garbage collection to copy (a million-row run's collections paused it about 0.2 s before, 0.16 s
                // after), and the payloads are written while a row group is.
                if (changes.Count > 0) await stage.SendAsync(changes, cancellationToken);
                return chunk;
            }, rowGroupOptions);
            long reported = 0;
            var write = new ActionBlock<RowChunk>(async chunk =>
            {
                using (Times.Start("snapshot"))
                {
                    await snapshot.AppendAsync(chunk, cancellationToken);
                }
                report.Advance(schema.Name, chunk.SourcePosition - reported);
                reported = chunk.SourcePosition;
                pool.Return(chunk);
            }, rowGroupOptions);
            diff.LinkTo(write, link);
            _ = diff.Completion.ContinueWith(_ => stage.Complete(), TaskScheduler.Default);
            StopAllOnFailure(diff, write, stage);

            var reading = Task.Run(() => ReadAsync(pool, diff, cancellationToken), cancellationToken);
            await reading.ContinueWith(_ => diff.Complete(), TaskScheduler.Default);
            await Task.WhenAll(write.Completion, stage.Completion);
            await reading; // a broken drop, once what was queued has drained
            return (payloads, snapshot, await DifferAsync());
        }
        catch
        {
            payloads.Dispose();
            await snapshot.DisposeAsync();
            throw;
        }
    }

    /// <summary>A block that fails stops the others: the blocks in front of it would otherwise wait for it for ever.</summary>
    private static void StopAllOnFailure(params IDataflowBlock[] blocks)
    {
        foreach (var block in blocks)
        {
            block.Completion.ContinueWith(failed => Array.ForEach(blocks, other => other.Fault(failed.Exception!.InnerException!)),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>Why the entity must not be published (file fails or entity stops), or null when it may.</summary>
    public (string Status, string Reason)? GuardViolation()
    {
        var guards = job.Guards;
        var r = Result;
        if (r.Read == 0 && !guards.AllowMassRemoval)
        {
            return (EntityStatus.Stopped, $"{job.Source.Name} has a header but no rows; a truncated export must not empty the portal. If that is intended, re-run with --allow-mass-removal.");
        }
        if (r.Read > 0 && r.Invalid * 100m > guards.MaxBadRowPercent * r.Read && r.Invalid >= guards.MinBadRowsToFail)
        {
            return (EntityStatus.Failed, $"{job.Source.Name}: {r.Invalid} of {r.Read} rows are invalid ({Percent(r.Invalid, r.Read)}), more than the allowed {guards.MaxBadRowPercent}% (Drop:MaxBadRowPercent) with at least {guards.MinBadRowsToFail} rows (Drop:MinBadRowsToFail); see the steward report.");
        }
        if (!guards.AllowMassRemoval && _heldBefore > 0 && r.Removed * 100m > guards.MaxRemovedPercent * _heldBefore && r.Removed >= guards.MinRemovedToStop)
        {
            return (EntityStatus.Stopped, $"{job.Source.Name} would remove {r.Removed} of the {_heldBefore} records the portal holds ({Percent(r.Removed, _heldBefore)}), more than the allowed {guards.MaxRemovedPercent}% (Drop:MaxRemovedPercent); nothing was sent. If the removal is intended, re-run with --allow-mass-removal.");
        }
        return null;
    }

    private static string Percent(long part, long whole) => (part * 100m / whole).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>Sends the source's chunks into the graph; a broken drop stops it (what is queued still drains).</summary>
    private async Task ReadAsync(RowChunkPool pool, ITargetBlock<RowChunk> diff, CancellationToken cancellationToken)
    {
        using var chunks = job.Source.Read(pool, cancellationToken).GetEnumerator();
        while (true)
        {
            bool more;
            using (Times.Start("read")) more = chunks.MoveNext();
            if (!more || !await diff.SendAsync(chunks.Current, cancellationToken)) return;
        }
    }

    private void Count(RowChunk chunk, ChangeKind[] kinds)
    {
        var r = Result;
        r.Read += chunk.Count;
        for (var row = 0; row < chunk.Count; row++)
        {
            switch (kinds[row])
            {
                case ChangeKind.Unchanged: r.Unchanged++; break;
                case ChangeKind.Added: r.Added++; break;
                case ChangeKind.Changed: r.Changed++; break;
                case ChangeKind.Invalid: Report(chunk, row); break;
            }
        }
    }

    private void Report(RowChunk chunk, int row)
    {
        Result.Invalid++;
        var key = EntityKey.Display(chunk.Key(row));
        foreach (var problem in chunk.Problems(row)!)
        {
            Result.InvalidRecords.Add(new InvalidRecord(job.Source.Name, chunk.Lines[row], key, problem.Field, problem.Value, problem.Rule, problem.Message));
        }
    }
}
