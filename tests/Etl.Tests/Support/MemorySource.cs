using Etl.Outbound.Columns;
using Etl.Outbound.Extract;

namespace Etl.Tests.Support;

/// <summary>An in-memory source: each record's texts in schema order, lines numbered from 2 (the header is line 1).</summary>
internal sealed class MemorySource(IReadOnlyList<string?[]> records, string name = "memory.csv", DateTimeOffset? asOf = null) : IRowSource
{
    public string Name { get; } = name;

    public DateTimeOffset AsOf { get; } = asOf ?? new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    public long Length => records.Count;

    public IEnumerable<RowChunk> Read(RowChunkPool pool, CancellationToken cancellationToken) =>
        RowSources.Chunks([.. records.Select((r, i) => new RawRecord(i + 2, r))], pool, cancellationToken);
}
