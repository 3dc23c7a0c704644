using System.Globalization;
using System.Text;
using Etl.Entities;
using Etl.Outbound.Columns;
using Etl.Outbound.Outbox;
using Etl.State;

namespace Etl.Outbound.Diff;

/// <summary>
/// Compares a drop's rows with the baseline (what the portal is believed to hold) on portal fields only, as canonical
/// UTF-8 bytes, numbers by value within the pipeline's tolerances. Only change candidates become <see cref="Row"/>s
/// and are validated; invalid rows leave the baseline untouched. Keys of the baseline no row carries are the removals.
/// <para>
/// All rows of a key (or of a unique field's value, such as a customer's portal_account_id) that occurs more than once
/// are invalid. The differ notices repeats as it goes (<see cref="Repeats"/>); since the earlier rows were classified
/// already, the caller then classifies the drop once more with the repeats known (<paramref name="knownRepeats"/>).
/// </para>
/// </summary>
public sealed class Differ(EntitySchema schema, Baseline baseline, IReadOnlyDictionary<string, decimal> tolerances, bool fullResync, DropRepeats? knownRepeats = null)
{
    private readonly (int Position, decimal Tolerance)[] _tolerances =
        [.. tolerances.Select(t => (Array.IndexOf(schema.PortalIndexes, schema.IndexOf(t.Key)), t.Value))];
    private readonly Baseline _added = new();
    private readonly HashSet<string>[] _uniqueValues = [.. schema.UniqueFieldIndexes.Select(_ => new HashSet<string>(StringComparer.Ordinal))];
    private byte[] _key = new byte[256];
    private byte[] _values = new byte[256];
    private int _next;

    /// <summary>Repeated keys and unique values noticed in a first pass (null when none, or when they were known).</summary>
    public DropRepeats? Repeats { get; private set; }

    /// <summary>Classifies each row of a chunk into <paramref name="kinds"/>, sets the chunk's verdicts and adds the records to send.</summary>
    public void Classify(RowChunk chunk, ChangeKind[] kinds, List<ChangeRecord> changes)
    {
        for (var row = 0; row < chunk.Count; row++)
        {
            var keyLength = chunk.WriteKey(row, ref _key);
            var key = _key.AsSpan(0, keyLength);
            var held = baseline.Find(key, _next);
            if (held >= 0) _next = held + 1;
            var first = held >= 0 ? baseline.MarkSeen(held) : _added.Add(key);
            if (knownRepeats is null)
            {
                if (!first) (Repeats ??= new()).Keys.Add(key);
                NoteUniqueValues(chunk, row);
            }
            else
            {
                knownRepeats.Mark(schema, chunk, row, key);
            }
            kinds[row] = Classify(chunk, row, held, changes);
            chunk.Valid[row] = kinds[row] != ChangeKind.Invalid;
        }
    }

    /// <summary>The keys the portal holds that the drop lacks, in key order.</summary>
    public List<string> Removals() => [.. baseline.UnseenKeys().Order(StringComparer.Ordinal)];

    private ChangeKind Classify(RowChunk chunk, int row, int held, List<ChangeRecord> changes)
    {
        if (chunk.Problems(row) is not null) return ChangeKind.Invalid;
        var length = chunk.WritePortalValues(row, ref _values);
        var current = _values.AsSpan(0, length);
        var kind = held < 0 ? ChangeKind.Added
            : baseline.ValueBytes(held).SequenceEqual(current) || WithinTolerance(baseline.ValueBytes(held), current) ? ChangeKind.Unchanged
            : ChangeKind.Changed;
        if (kind == ChangeKind.Unchanged && !fullResync) return kind;
        var candidate = chunk.ToRow(row);
        var result = schema.Validator.Validate(candidate);
        if (!result.IsValid)
        {
            foreach (var failure in result.Errors)
            {
                var index = schema.Fields.Select(f => f.Name).ToList().IndexOf(failure.PropertyName);
                chunk.AddProblem(row, new RowProblem(failure.PropertyName, index >= 0 ? candidate.Raw[index] : null, failure.ErrorCode, failure.ErrorMessage));
            }
            return ChangeKind.Invalid;
        }
        changes.Add(new ChangeRecord(candidate.Key, candidate, Encoding.UTF8.GetString(current)));
        return kind;
    }

    private void NoteUniqueValues(RowChunk chunk, int row)
    {
        for (var u = 0; u < _uniqueValues.Length; u++)
        {
            var value = chunk.Text(row, schema.UniqueFieldIndexes[u]);
            if (!value.IsEmpty && !_uniqueValues[u].GetAlternateLookup<ReadOnlySpan<char>>().Add(value))
            {
                (Repeats ??= new()).Uniques(schema)[u].Add(value.ToString());
            }
        }
    }

    private bool WithinTolerance(ReadOnlySpan<byte> heldBytes, ReadOnlySpan<byte> currentBytes)
    {
        if (_tolerances.Length == 0) return false;
        var a = Encoding.UTF8.GetString(heldBytes).Split(EntityKey.Separator);
        var b = Encoding.UTF8.GetString(currentBytes).Split(EntityKey.Separator);
        if (a.Length != b.Length) return false; // a text value holding the separator itself: compare exactly
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i]) continue;
            var tolerance = _tolerances.FirstOrDefault(t => t.Position == i);
            if (tolerance.Tolerance <= 0
                || !decimal.TryParse(a[i], NumberStyles.Number, CultureInfo.InvariantCulture, out var before)
                || !decimal.TryParse(b[i], NumberStyles.Number, CultureInfo.InvariantCulture, out var after)
                || Math.Abs(after - before) >= tolerance.Tolerance)
            {
                return false;
            }
        }
        return true;
    }
}
