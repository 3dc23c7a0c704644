using Etl.Entities;
using Etl.Outbound.Snapshots;

namespace Etl.Reconcile;

/// <summary>
/// The ERP side of a reconciliation: the latest snapshot of an entity, its valid rows by key (converted again, ready to
/// be validated and written as upserts) and the keys it holds only invalid rows for. A key with several rows in a
/// snapshot is invalid there (a duplicate), whatever is_valid says.
/// </summary>
internal sealed class ErpRecords
{
    private ErpRecords(SnapshotFile snapshot, Dictionary<string, Row> valid, HashSet<string> invalid)
    {
        Snapshot = snapshot;
        Valid = valid;
        Invalid = invalid;
    }

    /// <summary>The snapshot read.</summary>
    public SnapshotFile Snapshot { get; }

    /// <summary>Valid rows by key.</summary>
    public Dictionary<string, Row> Valid { get; }

    /// <summary>Keys the snapshot has only invalid rows for.</summary>
    public HashSet<string> Invalid { get; }

    /// <summary>
    /// When the ERP data was extracted, as repair payloads state it: the snapshot's last write, which is after its
    /// drop's last write or its query's start (as <c>etl run --full-resync</c> from a snapshot says too).
    /// </summary>
    public DateTimeOffset AsOf => new(File.GetLastWriteTimeUtc(Snapshot.Path), TimeSpan.Zero);

    /// <summary>Reads the newest snapshot of an entity, or returns null when it has none.</summary>
    public static async Task<ErpRecords?> ReadLatestAsync(string dataRoot, EntitySchema schema, CancellationToken cancellationToken)
    {
        if (SnapshotSource.Latest(dataRoot, schema.Name) is not { } snapshot) return null;
        var fields = schema.Fields.Count;
        var valid = new Dictionary<string, Row>(StringComparer.Ordinal);
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var line = 0L;
        foreach (var texts in await snapshot.ReadRowsAsync(cancellationToken))
        {
            var row = RowFactory.Create(schema, ++line, texts[..fields]);
            var isValid = texts[fields] == "true" && !row.IsInvalid;
            if (!seen.Add(row.Key))
            {
                valid.Remove(row.Key);
                invalid.Add(row.Key);
                continue;
            }
            if (isValid) valid[row.Key] = row;
            else invalid.Add(row.Key);
        }
        return new ErpRecords(snapshot, valid, invalid);
    }
}
