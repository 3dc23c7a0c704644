using Etl.Entities;
using Etl.Outbound.Extract;
using Parquet;
using Parquet.Schema;

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
    public static string? Latest(string dataRoot, string entity)
    {
        var folder = Path.Combine(dataRoot, "snapshots", entity);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, entity + "_*.parquet", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .MaxBy(Path.GetFileName, StringComparer.Ordinal)
            : null;
    }

    /// <summary>Reads a snapshot file.</summary>
    public static async Task<SnapshotSource> ReadAsync(EntitySchema schema, string path, CancellationToken cancellationToken)
    {
        var records = new List<RawRecord>();
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        var inFile = reader.Schema.GetDataFields();
        var fields = schema.Fields.Select(f => inFile.FirstOrDefault(d => d.Name == f.Name)
            ?? throw new DropFileException(Path.GetFileName(path), 0, f.Name, "the snapshot has no such column.")).ToArray();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var columns = new string?[fields.Length][];
            for (var f = 0; f < fields.Length; f++) columns[f] = await ReadTextsAsync(group, schema.Fields[f].Kind, fields[f], rows, cancellationToken);
            for (var r = 0; r < rows; r++)
            {
                var texts = new string?[fields.Length];
                for (var f = 0; f < fields.Length; f++) texts[f] = columns[f][r];
                records.Add(new RawRecord(records.Count + 1, texts));
            }
        }
        return new SnapshotSource(Path.GetFileName(path), new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero), records);
    }

    /// <inheritdoc />
    public IEnumerable<RawRecord> Read(CancellationToken cancellationToken) =>
        _records.Select(r => r with { Texts = (string?[])r.Texts.Clone() });

    private static async Task<string?[]> ReadTextsAsync(ParquetRowGroupReader group, FieldKind kind, DataField field, int rows, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case FieldKind.Integer: return await Typed<long>();
            case FieldKind.Number: return await Typed<decimal>();
            case FieldKind.Date: return await Typed<DateOnly>();
            case FieldKind.Flag: return await Typed<bool>();
            default:
                var texts = new string?[rows];
                await group.ReadAsync(field, texts.AsMemory(), null, cancellationToken);
                return texts;
        }

        async Task<string?[]> Typed<T>() where T : struct
        {
            var values = new T?[rows];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return [.. values.Select(v => v is { } value ? FieldConverter.Canonical(value) : null)];
        }
    }
}
