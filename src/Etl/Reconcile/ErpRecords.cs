using CsvHelper;
using Etl.Entities;
using Etl.Outbound.Snapshots;

namespace Etl.Reconcile;

/// <summary>
/// The ERP side of a reconciliation: the latest snapshot of an entity, its valid rows by key (converted again, ready to
/// be validated and written as upserts) and the keys it holds only invalid rows for. A key with several rows in a
/// snapshot is invalid there (a duplicate), whatever is_valid says. A row that did not convert is not in the snapshot at
/// all; its key is known from the steward report of the snapshot's run (reports/&lt;run-id&gt;/&lt;entity&gt;.invalid.csv),
/// so that the portal's record of it is not taken for one the ERP lacks.
/// </summary>
internal sealed class ErpRecords
{
    private ErpRecords(SnapshotFile snapshot, Dictionary<string, Row> valid, HashSet<string> invalid, HashSet<string>? reportedInvalid)
    {
        Snapshot = snapshot;
        Valid = valid;
        Invalid = invalid;
        ReportedInvalid = reportedInvalid;
    }

    /// <summary>The snapshot read.</summary>
    public SnapshotFile Snapshot { get; }

    /// <summary>Valid rows by key.</summary>
    public Dictionary<string, Row> Valid { get; }

    /// <summary>Keys the snapshot has only invalid rows for.</summary>
    public HashSet<string> Invalid { get; }

    /// <summary>Keys (as people read them, fields joined with '|') of the invalid rows in the snapshot run's steward report; null when that report is gone.</summary>
    public HashSet<string>? ReportedInvalid { get; }

    /// <summary>Keys with invalid rows and no valid one, in the snapshot or its steward report.</summary>
    public int InvalidCount => ReportedInvalid is null ? Invalid.Count
        : Invalid.Select(EntityKey.Display).Union(ReportedInvalid, StringComparer.Ordinal).Count(k => !ValidDisplay.Contains(k));

    private HashSet<string> ValidDisplay => field ??= [.. Valid.Keys.Select(EntityKey.Display)];

    /// <summary>Whether the ERP holds an invalid row for a key that has no valid one: in the snapshot, or in its run's steward report.</summary>
    public bool IsInvalid(string key) => Invalid.Contains(key) || ReportedInvalid?.Contains(EntityKey.Display(key)) == true;

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
        var reported = ReadStewardReport(Runs.RunReports.FolderOf(dataRoot, snapshot.RunId), schema.Name);
        return new ErpRecords(snapshot, valid, invalid, reported);
    }

    private static HashSet<string>? ReadStewardReport(string folder, string entity)
    {
        if (!Directory.Exists(folder)) return null;
        var result = new HashSet<string>(StringComparer.Ordinal);
        var path = Path.Combine(folder, entity + ".invalid.csv");
        if (!File.Exists(path)) return result;
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { Separator = ',', HasHeader = true, DetectSeparatorHint = false, AllowLineBreaksInQuotes = true });
        var key = reader.Headers.ToList().IndexOf("key");
        if (key < 0) return result;
        while (reader.Read())
        {
            if (reader.GetString(key) is { } text) result.Add(text);
        }
        return result;
    }
}
