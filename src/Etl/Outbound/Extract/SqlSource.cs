using System.Globalization;
using Etl.Entities;
using Etl.Erp;
using Etl.Outbound.Columns;

namespace Etl.Outbound.Extract;

/// <summary>
/// An entity extracted from the ERP database with the pipeline's query, run as written. The result is read once
/// into memory (SQL extracts are the smaller entities) so that a second pass sees the same rows.
/// </summary>
public sealed class SqlSource : IRowSource
{
    private readonly List<RawRecord> _records;

    private SqlSource(string name, DateTimeOffset asOf, List<RawRecord> records)
    {
        Name = name;
        AsOf = asOf;
        _records = records;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public DateTimeOffset AsOf { get; }

    /// <summary>Runs the query and maps its columns to the entity's fields by name (ignoring case).</summary>
    public static async Task<SqlSource> ExtractAsync(EntitySchema schema, ErpDatabase erp, string query, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var name = $"sql query of {schema.Name} ({erp.Describe()})";
        await using var connection = await erp.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new int[schema.Fields.Count];
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        for (var f = 0; f < columns.Length; f++)
        {
            var field = schema.Fields[f].Name;
            var found = names.FindAll(n => string.Equals(n.Trim(), field, StringComparison.OrdinalIgnoreCase));
            if (found.Count != 1)
            {
                throw new DropFileException(name, 0, field, found.Count == 0
                    ? $"the query returns no column '{field}'; it returns: {string.Join(", ", names)}."
                    : $"the query returns the column '{field}' {found.Count} times.");
            }
            columns[f] = names.IndexOf(found[0]);
        }
        var records = new List<RawRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var texts = new string?[columns.Length];
            for (var f = 0; f < columns.Length; f++) texts[f] = Text(reader.GetValue(columns[f]));
            records.Add(new RawRecord(records.Count + 1, texts));
        }
        return new SqlSource(name, new DateTimeOffset(startedAt.UtcTicks - startedAt.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero), records);
    }

    /// <inheritdoc />
    public long Length => _records.Count;

    /// <inheritdoc />
    public IEnumerable<RowChunk> Read(RowChunkPool pool, CancellationToken cancellationToken) => RowSources.Chunks(_records, pool, cancellationToken);

    private static string? Text(object value) => value switch
    {
        DBNull => null,
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        double d => ((decimal)d).ToString(CultureInfo.InvariantCulture),
        float f => ((decimal)f).ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
