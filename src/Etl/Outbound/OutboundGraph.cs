using System.Threading.Tasks.Dataflow;
using Etl.Entities;
using Etl.Outbound.Diff;
using Etl.Outbound.Extract;
using Etl.Outbound.Outbox;
using Etl.Outbound.Snapshots;
using Etl.Runs;
using Etl.State;

namespace Etl.Outbound;

/// <summary>
/// One entity's outbound run as a TPL Dataflow graph:
/// extract (chunks) → convert → diff + validate → snapshot (Parquet) → batch + serialize (staged).
/// Every block is bounded and propagates completion; nothing is published here. The caller publishes
/// the staged payloads and the snapshot once <see cref="GuardViolation"/> says the entity may go on.
/// </summary>
public sealed class OutboundGraph(EntityJob job, Dictionary<string, BaselineEntry> baseline, string dataRoot, IRunProgress? progress = null)
{
    private const int ChunkSize = 4096;
    private const int Capacity = 4;

    /// <summary>The counts and invalid records of the run.</summary>
    public EntityResult Result { get; } = new(job.Schema.Name);

    /// <summary>Reads the source twice (duplicates, then the graph) and stages payloads and snapshot.</summary>
    public async Task<(StagedPayloads Payloads, SnapshotWriter Snapshot)> RunAsync(CancellationToken cancellationToken)
    {
        var schema = job.Schema;
        var report = progress ?? NoProgress.Instance;
        report.Stage(schema.Name, "scan");
        var duplicates = DuplicateIndex.Build(schema, job.Source, cancellationToken);
        report.Stage(schema.Name, "diff", duplicates.Rows);
        var differ = new Differ(schema, baseline, job.Tolerances, job.FullResync);
        var payloads = new StagedPayloads(Path.Combine(dataRoot, "outbox"), schema, job.RunId, job.Source.AsOf, job.BatchSize);
        var snapshot = await SnapshotWriter.CreateAsync(schema, SnapshotWriter.PathFor(dataRoot, schema.Name, job.RunId, job.RunStart), cancellationToken);
        try
        {
            var options = new ExecutionDataflowBlockOptions { BoundedCapacity = Capacity, CancellationToken = cancellationToken };
            var link = new DataflowLinkOptions { PropagateCompletion = true };
            var convert = new TransformBlock<RawRecord[], Row[]>(chunk => Convert(schema, chunk),
                new ExecutionDataflowBlockOptions { BoundedCapacity = Capacity, MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken });
            var diff = new TransformBlock<Row[], (Row[] Rows, ChangeRecord[] Changes)>(rows => Classify(differ, duplicates, rows), options);
            var write = new TransformBlock<(Row[] Rows, ChangeRecord[] Changes), ChangeRecord[]>(async chunk =>
            {
                await snapshot.AppendAsync(chunk.Rows, cancellationToken);
                report.Advance(schema.Name, chunk.Rows.Length);
                return chunk.Changes;
            }, options);
            var stage = new ActionBlock<ChangeRecord[]>(payloads.Add, options);
            convert.LinkTo(diff, link);
            diff.LinkTo(write, link);
            write.LinkTo(stage, link);

            await foreach (var chunk in Chunks(job.Source, cancellationToken))
            {
                if (!await convert.SendAsync(chunk, cancellationToken)) break;
            }
            convert.Complete();
            await stage.Completion;

            var removals = differ.Removals();
            Result.Removed = removals.Count;
            payloads.Add(removals.Select(key => new ChangeRecord(key, null, null)));
            payloads.Complete();
            await snapshot.CompleteAsync(cancellationToken);
            Result.Read = duplicates.Rows;
            return (payloads, snapshot);
        }
        catch
        {
            payloads.Dispose();
            await snapshot.DisposeAsync();
            throw;
        }
    }

    /// <summary>Why the entity must not be published (file fails or entity stops), or null when it may.</summary>
    public (string Status, string Reason)? GuardViolation(int baselineCount)
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
        if (!guards.AllowMassRemoval && baselineCount > 0 && r.Removed * 100m > guards.MaxRemovedPercent * baselineCount && r.Removed >= guards.MinRemovedToStop)
        {
            return (EntityStatus.Stopped, $"{job.Source.Name} would remove {r.Removed} of the {baselineCount} records the portal holds ({Percent(r.Removed, baselineCount)}), more than the allowed {guards.MaxRemovedPercent}% (Drop:MaxRemovedPercent); nothing was sent. If the removal is intended, re-run with --allow-mass-removal.");
        }
        return null;
    }

    private static string Percent(long part, long whole) => (part * 100m / whole).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    private static Row[] Convert(EntitySchema schema, RawRecord[] chunk)
    {
        var rows = new Row[chunk.Length];
        for (var i = 0; i < chunk.Length; i++) rows[i] = RowFactory.Create(schema, chunk[i].Line, chunk[i].Texts);
        return rows;
    }

    private (Row[] Rows, ChangeRecord[] Changes) Classify(Differ differ, DuplicateIndex duplicates, Row[] rows)
    {
        var changes = new List<ChangeRecord>();
        foreach (var row in rows)
        {
            duplicates.Mark(job.Schema, row);
            var kind = differ.Classify(row, out var values, out var send);
            switch (kind)
            {
                case ChangeKind.Unchanged: Result.Unchanged++; break;
                case ChangeKind.Added: Result.Added++; break;
                case ChangeKind.Changed: Result.Changed++; break;
                case ChangeKind.Invalid: Report(row); break;
            }
            if (send) changes.Add(new ChangeRecord(row.Key, row, values));
        }
        return (rows, [.. changes]);
    }

    private void Report(Row row)
    {
        Result.Invalid++;
        var key = EntityKey.Display(row.Key);
        foreach (var problem in row.Problems!)
        {
            Result.InvalidRecords.Add(new InvalidRecord(job.Source.Name, row.Line, key, problem.Field, problem.Value, problem.Rule, problem.Message));
        }
    }

    private static async IAsyncEnumerable<RawRecord[]> Chunks(IRowSource source, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = new List<RawRecord>(ChunkSize);
        foreach (var record in source.Read(cancellationToken))
        {
            chunk.Add(record);
            if (chunk.Count < ChunkSize) continue;
            yield return [.. chunk];
            chunk.Clear();
            await Task.Yield();
        }
        if (chunk.Count > 0) yield return [.. chunk];
    }
}
