using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.Outbound.Extract;

namespace Etl.Outbound.Snapshots;

/// <summary>
/// The last snapshot of an entity as a source, for --full-resync when no new drop waits: its rows are read
/// back into memory and go through the same graph (duplicates, validation, guards) as a drop's.
/// </summary>
public sealed class SnapshotSource : IRowSource
{
    private readonly List<RawRecord> _records;

    private SnapshotSource(string name, DateTimeOffset asOf, List<RawRecord> records)
    {
        Name = name;
        AsOf = asOf;
        _records = records;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public DateTimeOffset AsOf { get; }

    /// <summary>The newest published snapshot of an entity (by run id), or null when there is none.</summary>
    public static SnapshotFile? Latest(string dataRoot, string entity) => SnapshotFile.List(dataRoot, entity).LastOrDefault();

    /// <summary>Reads a snapshot file.</summary>
    public static async Task<SnapshotSource> ReadAsync(EntitySchema schema, SnapshotFile snapshot, CancellationToken cancellationToken)
    {
        var fields = schema.Fields.Count;
        var rows = await snapshot.ReadRowsAsync(cancellationToken);
        var records = rows.Select((row, i) => new RawRecord(i + 1, row[..fields])).ToList();
        return new SnapshotSource(Path.GetFileName(snapshot.Path), new DateTimeOffset(File.GetLastWriteTimeUtc(snapshot.Path), TimeSpan.Zero), records);
    }

    /// <inheritdoc />
    public long Length => _records.Count;

    /// <inheritdoc />
    public IEnumerable<RowChunk> Read(RowChunkPool pool, CancellationToken cancellationToken) => RowSources.Chunks(_records, pool, cancellationToken);
}
