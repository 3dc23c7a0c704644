using Etl.Entities;

namespace Etl.Outbound.Columns;

/// <summary>Chunks of one entity for reuse, so that a run allocates a few dozen chunks however large the drop.</summary>
public sealed class RowChunkPool(EntitySchema schema)
{
    private readonly Stack<RowChunk> _free = new();
    private readonly Lock _gate = new();

    /// <summary>The entity.</summary>
    public EntitySchema Schema => schema;

    /// <summary>An empty chunk.</summary>
    public RowChunk Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var chunk)) return chunk;
        }
        return new RowChunk(schema);
    }

    /// <summary>Gives a chunk back once nothing reads it any more.</summary>
    public void Return(RowChunk chunk)
    {
        chunk.Clear();
        lock (_gate) _free.Push(chunk);
    }
}
