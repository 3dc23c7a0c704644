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
        await using var reader = await ParquetReader.CreateAsync(snapshot.Path, SnapshotFile.ReadOptions, cancellationToken: cancellationToken);
        var (fields, kinds) = snapshot.ColumnsIn(reader);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            List<int>? matches = null;
            for (var k = 0; k < schema.KeyIndexes.Length; k++)
            {
                var index = schema.KeyIndexes[k];
                var texts = await SnapshotFile.ReadTextsAsync(group, kinds[index], fields[index], count, cancellationToken);
                var candidates = matches ?? Enumerable.Range(0, count);
                matches = [.. candidates.Where(r => texts[r] == keyValues[k])];
                if (matches.Count == 0) break;
            }
            if (matches is not { Count: > 0 }) continue;
            var all = new string?[fields.Length][];
            for (var f = 0; f < fields.Length; f++) all[f] = await SnapshotFile.ReadTextsAsync(group, kinds[f], fields[f], count, cancellationToken);
            foreach (var r in matches) found.Add([.. all.Select(c => c[r])]);
        }
        return found;
    }
}
