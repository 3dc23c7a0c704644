using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.Outbound.Snapshots;

namespace Etl.Outbound;

/// <summary>
/// Runs, on made-up rows and in memory, the code an outbound run would otherwise compile on its critical path: each
/// entity's FluentValidation validator (built and run once) and a snapshot row group of the column kinds they have
/// (only those: the warm-up shares the cores with the run's start, while the diff waits for the baseline load). Much of it
/// is generic over framework types, which ReadyToRun cannot compile ahead, so a run compiled it as it went: the first
/// row group took a quarter of a second and the whole graph waited for it. Run on a thread of its own while a run
/// starts up, which leaves the second core idle.
/// </summary>
public static class OutboundWarmUp
{
    /// <summary>Warms up the outbound code of the named entities (names the catalog does not know are left out).</summary>
    public static async Task RunAsync(IEnumerable<string> entities, CancellationToken cancellationToken)
    {
        var schemas = entities.Select(EntityCatalog.Find).OfType<EntitySchema>().ToList();
        if (schemas.Count == 0) return;
        foreach (var schema in schemas) schema.Validator.Validate(Chunk(schema, 1).ToRow(0));
        FieldSpec[] kinds = [.. schemas.SelectMany(s => s.Fields).Select(f => f.Kind).Distinct().Order().Select(kind => new FieldSpec(kind.ToString(), kind))];
        var columns = new EntitySchema("warm-up", 0, kinds, _ => throw new InvalidOperationException("The snapshot warm-up does not validate."));
        var chunk = Chunk(columns, RowChunk.Capacity);
        Array.Fill(chunk.Valid, true);
        await using var snapshot = await SnapshotWriter.CreateInMemoryAsync(columns, cancellationToken);
        await snapshot.AppendAsync(chunk, cancellationToken);
        await snapshot.CompleteAsync(cancellationToken);
    }

    /// <summary>A chunk of identical rows, each field a value of its kind.</summary>
    private static RowChunk Chunk(EntitySchema schema, int rows)
    {
        string?[] texts = [.. schema.Fields.Select(f => f.Kind switch
        {
            FieldKind.Integer => "1",
            FieldKind.Number => "1.5",
            FieldKind.Date => "2026-11-30",
            FieldKind.Flag => "true",
            _ => "A",
        })];
        var chunk = new RowChunk(schema);
        for (var row = 0; row < rows; row++) chunk.Add(row + 2, texts);
        return chunk;
    }
}
