using Etl.Entities;
using Etl.Outbound.Extract;

namespace Etl.Outbound.Diff;

/// <summary>
/// The first, light pass over a source: counts the rows, finds keys (and unique fields such as a customer's
/// portal_account_id) that occur more than once, and finds a broken file before anything is written.
/// All rows of a repeated key are invalid; knowing them up front keeps the second pass streaming.
/// </summary>
public sealed class DuplicateIndex
{
    private readonly HashSet<string> _repeatedKeys;
    private readonly HashSet<string>[] _repeatedUniques;

    private DuplicateIndex(long rows, HashSet<string> repeatedKeys, HashSet<string>[] repeatedUniques)
    {
        Rows = rows;
        _repeatedKeys = repeatedKeys;
        _repeatedUniques = repeatedUniques;
    }

    /// <summary>The number of data rows.</summary>
    public long Rows { get; }

    /// <summary>Reads the source once.</summary>
    public static DuplicateIndex Build(EntitySchema schema, IRowSource source, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var repeatedKeys = new HashSet<string>(StringComparer.Ordinal);
        var uniques = schema.UniqueFieldIndexes;
        var seenUniques = uniques.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var repeatedUniques = uniques.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        long rows = 0;
        var keyTexts = new string?[schema.Fields.Count];
        foreach (var record in source.Read(cancellationToken))
        {
            rows++;
            foreach (var k in schema.KeyIndexes) keyTexts[k] = FieldConverter.Clean(schema.Fields[k], record.Texts[k]);
            var key = EntityKey.Of(keyTexts, schema.KeyIndexes);
            if (!keys.Add(key)) repeatedKeys.Add(key);
            for (var u = 0; u < uniques.Length; u++)
            {
                var value = FieldConverter.Clean(schema.Fields[uniques[u]], record.Texts[uniques[u]]);
                if (value is not null && !seenUniques[u].Add(value)) repeatedUniques[u].Add(value);
            }
        }
        return new DuplicateIndex(rows, repeatedKeys, repeatedUniques);
    }

    /// <summary>Marks a row invalid when its key or a unique field is repeated in the source.</summary>
    public void Mark(EntitySchema schema, Row row)
    {
        if (_repeatedKeys.Contains(row.Key))
        {
            row.AddProblem(new RowProblem(schema.KeyDescription, EntityKey.Display(row.Key), "duplicate_key",
                $"the key {schema.KeyDescription} = {EntityKey.Display(row.Key)} occurs more than once in the file; all its rows are held back."));
        }
        for (var u = 0; u < schema.UniqueFieldIndexes.Length; u++)
        {
            var index = schema.UniqueFieldIndexes[u];
            if (row.Text(index) is { } value && _repeatedUniques[u].Contains(value))
            {
                var field = schema.Fields[index].Name;
                row.AddProblem(new RowProblem(field, value, "duplicate_" + field,
                    $"{field} {value} is used by more than one record; each must have its own."));
            }
        }
    }
}
