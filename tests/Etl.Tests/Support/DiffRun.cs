using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.Outbound.Diff;
using Etl.Outbound.Extract;
using Etl.Outbound.Outbox;
using Etl.State;

namespace Etl.Tests.Support;

/// <summary>One row as the diff decided it.</summary>
internal sealed record Classified(Row Row, ChangeKind Kind, bool Send, string? Values);

/// <summary>
/// Runs a drop through the Differ the way the outbound graph does: chunk by chunk from one pool (chunks go back to the
/// pool once classified, so they are reused), and, when the first pass noticed a repeated key or unique value, a second
/// pass over the drop with a fresh Differ, the repeats known and the baseline's seen marks cleared.
/// </summary>
internal static class DiffRun
{
    public static (List<Classified> Rows, List<string> Removals) Run(EntitySchema schema, IReadOnlyDictionary<string, string> portal,
        IReadOnlyList<string?[]> drop, IReadOnlyDictionary<string, decimal>? tolerances = null, bool fullResync = false, int rowsPerChunk = RowChunk.Capacity) =>
        Run(schema, Baseline.From(portal), new ChunkedSource(drop, rowsPerChunk), tolerances, fullResync);

    /// <summary>Both passes over any source, against a baseline (which keeps the seen marks of the pass that counted).</summary>
    public static (List<Classified> Rows, List<string> Removals) Run(EntitySchema schema, Baseline baseline, IRowSource source,
        IReadOnlyDictionary<string, decimal>? tolerances = null, bool fullResync = false)
    {
        tolerances ??= new Dictionary<string, decimal>();
        var first = Pass(schema, baseline, source, tolerances, fullResync, null);
        if (first.Differ.Repeats is not { } repeats) return (first.Rows, first.Differ.Removals());
        baseline.ClearSeen();
        var second = Pass(schema, baseline, source, tolerances, fullResync, repeats);
        if (second.Differ.Repeats is not null) throw new InvalidOperationException("The second pass, with the repeats known, noted repeats again.");
        return (second.Rows, second.Differ.Removals());
    }

    private static (List<Classified> Rows, Differ Differ) Pass(EntitySchema schema, Baseline baseline, IRowSource source,
        IReadOnlyDictionary<string, decimal> tolerances, bool fullResync, DropRepeats? knownRepeats)
    {
        var differ = new Differ(schema, baseline, tolerances, fullResync, knownRepeats);
        var pool = new RowChunkPool(schema);
        var kinds = new ChangeKind[RowChunk.Capacity];
        var result = new List<Classified>();
        foreach (var chunk in source.Read(pool, CancellationToken.None))
        {
            var changes = new List<ChangeRecord>();
            differ.Classify(chunk, kinds, changes);
            var sent = 0;
            for (var row = 0; row < chunk.Count; row++)
            {
                var kind = kinds[row];
                if (chunk.Valid[row] != (kind != ChangeKind.Invalid)) throw new InvalidOperationException($"Line {chunk.Lines[row]}: Valid disagrees with {kind}.");
                var send = kind is ChangeKind.Added or ChangeKind.Changed || (kind == ChangeKind.Unchanged && fullResync);
                string? values = null;
                if (send)
                {
                    var change = changes[sent++];
                    if (change.Row?.Line != chunk.Lines[row]) throw new InvalidOperationException($"Line {chunk.Lines[row]}: the changes are not in row order.");
                    values = change.Values;
                }
                result.Add(new Classified(chunk.ToRow(row), kind, send, values));
            }
            if (sent != changes.Count) throw new InvalidOperationException($"{changes.Count} changes for {sent} rows sent.");
            pool.Return(chunk);
        }
        return (result, differ);
    }

    /// <summary>The portal (baseline) holding these rows: key → canonical portal values.</summary>
    public static Dictionary<string, string> Portal(EntitySchema schema, params string?[][] rows) =>
        rows.Select(r => Rows.Create(schema, r)).ToDictionary(r => r.Key, r => RowFactory.PortalValues(schema, r), StringComparer.Ordinal);

    /// <summary>Applies what the diff would send (upserts, then deletes) to a copy of the portal.</summary>
    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> portal, (List<Classified> Rows, List<string> Removals) diff)
    {
        var result = new Dictionary<string, string>(portal, StringComparer.Ordinal);
        foreach (var c in diff.Rows.Where(c => c.Send)) result[c.Row.Key] = c.Values!;
        foreach (var key in diff.Removals) result.Remove(key);
        return result;
    }

    public static string Key(params string[] parts) => string.Join(EntityKey.Separator, parts);
}

/// <summary>An in-memory source that cuts its records into chunks of at most <paramref name="rowsPerChunk"/> rows (lines from 2).</summary>
internal sealed class ChunkedSource(IReadOnlyList<string?[]> records, int rowsPerChunk = RowChunk.Capacity) : IRowSource
{
    public string Name => "memory.csv";

    public DateTimeOffset AsOf { get; } = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    public long Length => records.Count;

    public IEnumerable<RowChunk> Read(RowChunkPool pool, CancellationToken cancellationToken)
    {
        var chunk = pool.Rent();
        for (var i = 0; i < records.Count; i++)
        {
            chunk.Add(i + 2, records[i]);
            if (chunk.Count < rowsPerChunk && !chunk.IsFull) continue;
            chunk.SourcePosition = i + 1;
            yield return chunk;
            chunk = pool.Rent();
        }
        chunk.SourcePosition = records.Count;
        if (chunk.Count > 0) yield return chunk;
        else pool.Return(chunk);
    }
}
