using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.Outbound.Extract;

namespace Etl.Tests.Support;

/// <summary>Reading a source's chunks back as rows, and building chunks from texts.</summary>
internal static class SourceRows
{
    /// <summary>Every record of a source as the chunks convert it (<see cref="RowChunk.ToRow"/>), in source order.</summary>
    public static List<Row> ReadRows(this IRowSource source, EntitySchema schema)
    {
        var pool = new RowChunkPool(schema);
        var rows = new List<Row>();
        foreach (var chunk in source.Read(pool, CancellationToken.None))
        {
            for (var row = 0; row < chunk.Count; row++) rows.Add(chunk.ToRow(row));
            pool.Return(chunk);
        }
        return rows;
    }

    /// <summary>One chunk holding records given as texts in schema order (lines from 2).</summary>
    public static RowChunk Chunk(EntitySchema schema, params string?[][] records)
    {
        var chunk = new RowChunk(schema);
        for (var i = 0; i < records.Length; i++) chunk.Add(i + 2, records[i]);
        return chunk;
    }
}
