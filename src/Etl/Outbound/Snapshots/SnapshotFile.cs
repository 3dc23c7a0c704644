using System.Globalization;
using Etl.Entities;
using Parquet;
using Parquet.Schema;

namespace Etl.Outbound.Snapshots;

/// <summary>One published snapshot: where it is, and its rows read back as canonical texts (is_valid last).</summary>
public sealed record SnapshotFile(string Entity, string RunId, DateOnly Date, string Path, long Bytes)
{
    /// <summary>The published snapshots of a data root, oldest run first; of one entity when given.</summary>
    public static List<SnapshotFile> List(string dataRoot, string? entity = null)
    {
        var root = System.IO.Path.Combine(dataRoot, "snapshots");
        if (!Directory.Exists(root)) return [];
        var result = new List<SnapshotFile>();
        foreach (var schema in EntityCatalog.All.Where(e => entity is null || e.Name == entity))
        {
            var folder = System.IO.Path.Combine(root, schema.Name);
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder, schema.Name + "_*.parquet", SearchOption.AllDirectories))
            {
                var name = System.IO.Path.GetFileNameWithoutExtension(file);
                var dateFolder = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(file)!);
                if (name.StartsWith('.') || !dateFolder.StartsWith("date=", StringComparison.Ordinal)) continue;
                if (!DateOnly.TryParseExact(dateFolder["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) continue;
                result.Add(new SnapshotFile(schema.Name, name[(schema.Name.Length + 1)..], date, file, new FileInfo(file).Length));
            }
        }
        return [.. result.OrderBy(s => s.RunId, StringComparer.Ordinal).ThenBy(s => s.Entity, StringComparer.Ordinal)];
    }

    /// <summary>How snapshots are opened for reading: DATE columns come back as <see cref="DateOnly"/>, as they were written (Parquet.Net's default is DateTime).</summary>
    public static ParquetOptions ReadOptions => new() { UseDateOnlyTypeForDates = true };

    /// <summary>The entity's columns followed by is_valid.</summary>
    public IReadOnlyList<string> Columns => [.. EntityCatalog.Find(Entity)!.Fields.Select(f => f.Name), "is_valid"];

    /// <summary>The number of rows, from the file's metadata.</summary>
    public async Task<long> CountRowsAsync(CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(Path, ReadOptions, cancellationToken: cancellationToken);
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++) rows += reader.OpenRowGroupReader(g).RowCount;
        return rows;
    }

    /// <summary>Every row as canonical texts in <see cref="Columns"/> order.</summary>
    public async Task<List<string?[]>> ReadRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<string?[]>();
        await using var reader = await ParquetReader.CreateAsync(Path, ReadOptions, cancellationToken: cancellationToken);
        var (fields, kinds) = ColumnsIn(reader);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var columns = new string?[fields.Length][];
            for (var f = 0; f < fields.Length; f++) columns[f] = await ReadTextsAsync(group, kinds[f], fields[f], count, cancellationToken);
            for (var r = 0; r < count; r++) rows.Add([.. columns.Select(c => c[r])]);
        }
        return rows;
    }

    /// <summary>The file's fields in <see cref="Columns"/> order, and how each is read.</summary>
    internal (DataField[] Fields, FieldKind[] Kinds) ColumnsIn(ParquetReader reader)
    {
        var inFile = reader.Schema.GetDataFields();
        var fields = Columns.Select(c => inFile.FirstOrDefault(d => d.Name == c)
            ?? throw new InvalidDataException($"{Path}: the snapshot has no column '{c}'.")).ToArray();
        return (fields, [.. EntityCatalog.Find(Entity)!.Fields.Select(f => f.Kind).Append(FieldKind.Flag)]);
    }

    /// <summary>One column of a row group as canonical texts.</summary>
    internal static async Task<string?[]> ReadTextsAsync(ParquetRowGroupReader group, FieldKind kind, DataField field, int rows, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case FieldKind.Integer: return await Typed<long>();
            case FieldKind.Number: return await Typed<decimal>();
            case FieldKind.Date: return await Typed<DateOnly>();
            case FieldKind.Flag when !field.IsNullable:
                var flags = new bool[rows];
                await group.ReadAsync(field, flags.AsMemory(), null, cancellationToken);
                return [.. flags.Select(b => FieldConverter.Canonical(b))];
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
