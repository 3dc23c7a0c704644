using Parquet;
using Parquet.Schema;

namespace Etl.Tests.Support;

/// <summary>A Parquet file read back with Parquet.Net: its data fields and every column's values (all row groups).</summary>
internal sealed class ParquetFile
{
    private ParquetFile(IReadOnlyList<DataField> fields, Dictionary<string, List<object?>> columns, long rows, int rowGroups,
        Dictionary<string, List<Parquet.Meta.Encoding>> encodings)
    {
        Encodings = encodings;
        Fields = fields;
        Columns = columns;
        Rows = rows;
        RowGroups = rowGroups;
    }

    public IReadOnlyList<DataField> Fields { get; }

    public Dictionary<string, List<object?>> Columns { get; }

    public long Rows { get; }

    public int RowGroups { get; }

    /// <summary>The encodings of each column in the first row group (none when the file has no row group).</summary>
    public Dictionary<string, List<Parquet.Meta.Encoding>> Encodings { get; }

    public DataField Field(string name) => Fields.Single(f => f.Name == name);

    public static async Task<ParquetFile> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { UseDateOnlyTypeForDates = true });
        var fields = reader.Schema.GetDataFields();
        var columns = fields.ToDictionary(f => f.Name, _ => new List<object?>());
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            rows += count;
            foreach (var field in fields)
            {
                columns[field.Name].AddRange(await ReadColumnAsync(group, field, count));
            }
        }
        var encodings = reader.Metadata!.RowGroups.Take(1).SelectMany(g => g.Columns)
            .ToDictionary(c => c.MetaData!.PathInSchema[^1], c => c.MetaData!.Encodings);
        return new ParquetFile(fields, columns, rows, reader.RowGroupCount, encodings);
    }

    private static async Task<IEnumerable<object?>> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory());
            return values;
        }
        if (field.ClrType == typeof(long)) return await ReadStructAsync<long>(group, field, count);
        if (field.ClrType == typeof(decimal)) return await ReadStructAsync<decimal>(group, field, count);
        if (field.ClrType == typeof(DateOnly)) return await ReadStructAsync<DateOnly>(group, field, count);
        if (field.ClrType == typeof(bool)) return await ReadStructAsync<bool>(group, field, count);
        throw new InvalidOperationException($"Unexpected column type {field.ClrType} of {field.Name}.");
    }

    private static async Task<IEnumerable<object?>> ReadStructAsync<T>(ParquetRowGroupReader group, DataField field, int count) where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync<T>(field, values.AsMemory());
            return values.Select(v => v.HasValue ? (object?)v.Value : null);
        }
        var plain = new T[count];
        await group.ReadAsync<T>(field, plain.AsMemory());
        return plain.Select(v => (object?)v);
    }
}
