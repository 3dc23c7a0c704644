using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.State;

namespace Etl.Outbound.Diff;

/// <summary>
/// The keys, and the values of unique fields (such as a customer's portal_account_id), that occur more than once in a
/// drop. All rows carrying one are invalid: each must have its own.
/// </summary>
public sealed class DropRepeats
{
    private HashSet<string>[]? _uniques;

    /// <summary>The repeated keys (UTF-8), as a set.</summary>
    public Baseline Keys { get; } = new();

    /// <summary>The repeated values per unique field of the schema.</summary>
    public HashSet<string>[] Uniques(EntitySchema schema) =>
        _uniques ??= [.. schema.UniqueFieldIndexes.Select(_ => new HashSet<string>(StringComparer.Ordinal))];

    /// <summary>Notes a problem on a row whose key or unique field is repeated.</summary>
    public void Mark(EntitySchema schema, RowChunk chunk, int row, ReadOnlySpan<byte> key)
    {
        if (Keys.Count > 0 && Keys.Find(key) >= 0)
        {
            var shown = EntityKey.Display(chunk.Key(row));
            chunk.AddProblem(row, new RowProblem(schema.KeyDescription, shown, "duplicate_key",
                $"the key {schema.KeyDescription} = {shown} occurs more than once in the file; all its rows are held back."));
        }
        if (_uniques is null) return;
        for (var u = 0; u < _uniques.Length; u++)
        {
            var index = schema.UniqueFieldIndexes[u];
            var value = chunk.Text(row, index);
            if (value.IsEmpty || !_uniques[u].GetAlternateLookup<ReadOnlySpan<char>>().Contains(value)) continue;
            var field = schema.Fields[index].Name;
            chunk.AddProblem(row, new RowProblem(field, value.ToString(), "duplicate_" + field,
                $"{field} {value} is used by more than one record; each must have its own."));
        }
    }
}
