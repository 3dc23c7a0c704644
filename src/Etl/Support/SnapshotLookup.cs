using Etl.Entities;
using Etl.Outbound.Snapshots;
using Parquet;
using Parquet.Schema;

namespace Etl.Support;

/// <summary>
/// Finds the rows of one key in a snapshot without reading the whole file: per row group the key columns first, and
/// the other columns only of a group that holds the key. Values come back as canonical texts in
/// <see cref="SnapshotFile.Columns"/> order (is_valid last), like <see cref="SnapshotFile.ReadRowsAsync"/>.
/// </summary>
internal static class SnapshotLookup
{
    /// <summary>The rows whose key fields equal <paramref name="keyValues"/> (in key order); several when the drop repeated the key.</summary>
    public static async Task<List<string?[]>> FindAsync(SnapshotFile snapshot, EntitySchema schema, IReadOnlyList<string> keyValues, CancellationToken cancellationToken)
    {
        var found = new List<string?[]>();
        // DATE columns are read back as DateOnly, as they were written (Parquet.Net's default is DateTime).
        await using var reader = await ParquetReader.CreateAsync(snapshot.Path, new ParquetOptions { UseDateOnlyTypeForDates = true }, cancellationToken: cancellationToken);
        var inFile = reader.Schema.GetDataFields();
        var columns = snapshot.Columns;
        var kinds = schema.Fields.Select(f => f.Kind).Append(FieldKind.Flag).ToArray();
        var fields = columns.Select(c => inFile.FirstOrDefault(d => d.Name == c)
            ?? throw new InvalidDataException($"{snapshot.Path}: the snapshot has no column '{c}'.")).ToArray();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            List<int>? matches = null;
            for (var k = 0; k < schema.KeyIndexes.Length; k++)
            {
                var index = schema.KeyIndexes[k];
                var texts = await ReadTextsAsync(group, kinds[index], fields[index], count, cancellationToken);
                var candidates = matches ?? Enumerable.Range(0, count);
                matches = [.. candidates.Where(r => texts[r] == keyValues[k])];
                if (matches.Count == 0) break;
            }
            if (matches is not { Count: > 0 }) continue;
            var all = new string?[fields.Length][];
            for (var f = 0; f < fields.Length; f++) all[f] = await ReadTextsAsync(group, kinds[f], fields[f], count, cancellationToken);
            foreach (var r in matches) found.Add([.. all.Select(c => c[r])]);
        }
        return found;
    }

    private static async Task<string?[]> ReadTextsAsync(ParquetRowGroupReader group, FieldKind kind, DataField field, int rows, CancellationToken cancellationToken)
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
