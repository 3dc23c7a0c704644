using System.Globalization;
using Etl.Entities;
using Etl.State;

namespace Etl.Outbound.Outbox;

/// <summary>
/// An entity's payloads of one run: batched and written under hidden temp names in outbox/ while the drop is read,
/// then, once the guards have passed, published one by one (renamed into place). The caller advances the baseline
/// with <see cref="ChangePages"/> only after every rename, so a crash at any point leaves the baseline at or behind
/// what reached the outbox: the next run resends whatever was not handed over; it never skips a change.
/// </summary>
public sealed class StagedPayloads(string outbox, EntitySchema schema, string runId, DateTimeOffset asOf, int batchSize) : IDisposable
{
    private readonly List<Staged> _staged = [];
    private readonly List<ChangeRecord> _pending = new(Math.Min(batchSize, 10_000));

    /// <summary>
    /// Each written payload on its way to disk (fsync) in the background: the next batch is written meanwhile, and the
    /// last ones of a run reach the disk together. <see cref="Publish"/> waits for them all before it renames any.
    /// </summary>
    private readonly List<Task> _flushing = [];

    /// <summary>Records staged so far.</summary>
    public long Records { get; private set; }

    /// <summary>Payload files staged so far.</summary>
    public int Batches => _staged.Count;

    /// <summary>Adds records; a full batch is written to its temp file at once.</summary>
    public void Add(IEnumerable<ChangeRecord> records)
    {
        foreach (var record in records)
        {
            _pending.Add(record);
            Records++;
            if (_pending.Count == batchSize) WritePending();
        }
    }

    /// <summary>Writes the last, partial batch.</summary>
    public void Complete()
    {
        if (_pending.Count > 0) WritePending();
    }

    /// <summary>What the staged payloads change in the baseline, in order: a page of changes a payload (see <see cref="Baseline.PackChanges"/>).</summary>
    public IReadOnlyList<byte[]> ChangePages => [.. _staged.Select(s => s.Changes)];

    /// <summary>The same as text, in order: new values, or null for a delete.</summary>
    public IEnumerable<BaselineChange> Changes => _staged.SelectMany(s => Baseline.UnpackChanges(s.Changes));

    /// <summary>Publishes every staged payload in sequence; returns the published paths.</summary>
    public List<string> Publish(TimeProvider clock)
    {
        foreach (var flushing in _flushing) flushing.GetAwaiter().GetResult();
        var published = new List<string>();
        foreach (var staged in _staged)
        {
            var name = string.Create(CultureInfo.InvariantCulture,
                $"{clock.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmssfff}Z_{schema.Name}_{runId}_{staged.Sequence:D6}.json");
            var path = Path.Combine(outbox, name);
            File.Move(staged.TempPath, path);
            Testing.CrashPoints.Hit("outbound.after-payload-rename");
            published.Add(path);
        }
        return published;
    }

    /// <summary>Removes temp files that were not published.</summary>
    public void Dispose()
    {
        try
        {
            Task.WaitAll(_flushing); // a file being flushed is not deleted under it
        }
        catch (AggregateException)
        {
            // The files go anyway.
        }
        foreach (var staged in _staged)
        {
            if (File.Exists(staged.TempPath)) File.Delete(staged.TempPath);
        }
    }

    private void WritePending()
    {
        Directory.CreateDirectory(outbox);
        var sequence = _staged.Count + 1;
        var temp = Path.Combine(outbox, string.Create(CultureInfo.InvariantCulture, $".{schema.Name}_{runId}_{sequence:D6}.json.tmp"));
        try
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            PayloadWriter.Write(stream, schema, runId, sequence, asOf, _pending);
            Testing.CrashPoints.Hit("outbound.mid-payload-write");
            Testing.CrashPoints.Write("outbound.payload");
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        _flushing.Add(Task.Factory.StartNew(() => FlushToDisk(temp), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        _staged.Add(new Staged(sequence, temp, Baseline.PackChanges(_pending.ConvertAll(r => new BaselineChange(r.Key, r.Values)))));
        _pending.Clear();
    }

    /// <summary>On a thread of its own (as a long-running task), so that waiting for the disk never holds up a pool thread.</summary>
    private static void FlushToDisk(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        RandomAccess.FlushToDisk(file);
    }

    private sealed record Staged(int Sequence, string TempPath, byte[] Changes);
}
