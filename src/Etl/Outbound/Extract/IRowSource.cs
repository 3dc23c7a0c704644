using Etl.Outbound.Columns;

namespace Etl.Outbound.Extract;

/// <summary>Where an entity's snapshot comes from: a drop file or an ERP query. Can be read more than once.</summary>
public interface IRowSource
{
    /// <summary>The file name or query description used in messages and reports.</summary>
    string Name { get; }

    /// <summary>When the ERP data was extracted (the drop's last write, or the start of the query), in UTC.</summary>
    DateTimeOffset AsOf { get; }

    /// <summary>How much there is to read, in the unit of <see cref="RowChunk.SourcePosition"/> (bytes of a file, records of a query).</summary>
    long Length { get; }

    /// <summary>
    /// Reads the records in source order into chunks rented from <paramref name="pool"/>; throws
    /// <see cref="DropFileException"/> when the source is unusable.
    /// </summary>
    IEnumerable<RowChunk> Read(RowChunkPool pool, CancellationToken cancellationToken);
}

/// <summary>Reading sources record by record, and sources held in memory as texts.</summary>
public static class RowSources
{
    /// <summary>The records of a source with their cleaned texts (empty values null), in schema order.</summary>
    public static IEnumerable<RawRecord> Records(this IRowSource source, Entities.EntitySchema schema, CancellationToken cancellationToken)
    {
        var pool = new RowChunkPool(schema);
        foreach (var chunk in source.Read(pool, cancellationToken))
        {
            for (var row = 0; row < chunk.Count; row++) yield return new RawRecord(chunk.Lines[row], chunk.ToRow(row).Raw);
            pool.Return(chunk);
        }
    }

    /// <summary>Chunks of records held as texts (a query's result, a snapshot read back).</summary>
    public static IEnumerable<RowChunk> Chunks(IReadOnlyList<RawRecord> records, RowChunkPool pool, CancellationToken cancellationToken)
    {
        var chunk = pool.Rent();
        for (var i = 0; i < records.Count; i++)
        {
            chunk.Add(records[i].Line, records[i].Texts);
            if (!chunk.IsFull) continue;
            cancellationToken.ThrowIfCancellationRequested();
            chunk.SourcePosition = i + 1;
            yield return chunk;
            chunk = pool.Rent();
        }
        chunk.SourcePosition = records.Count;
        if (chunk.Count > 0) yield return chunk;
        else pool.Return(chunk);
    }
}
