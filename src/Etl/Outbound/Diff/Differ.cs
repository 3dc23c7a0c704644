using System.Globalization;
using Etl.Entities;
using Etl.State;

namespace Etl.Outbound.Diff;

/// <summary>
/// Compares rows with the baseline (what the portal is believed to hold) on portal fields only, numbers by value,
/// within the pipeline's tolerances. Change candidates are validated; invalid rows leave the baseline untouched.
/// Keys of the baseline that no row of the drop carries are the removals.
/// </summary>
public sealed class Differ(EntitySchema schema, Dictionary<string, BaselineEntry> baseline,
    IReadOnlyDictionary<string, decimal> tolerances, bool fullResync)
{
    private readonly (int Position, decimal Tolerance)[] _tolerances =
        [.. tolerances.Select(t => (Array.IndexOf(schema.PortalIndexes, schema.IndexOf(t.Key)), t.Value))];

    /// <summary>The number of keys the portal is believed to hold.</summary>
    public int BaselineCount => baseline.Count;

    /// <summary>Classifies a row; <paramref name="values"/> gets the canonical portal values of a row to send.</summary>
    public ChangeKind Classify(Row row, out string? values, out bool send)
    {
        values = null;
        send = false;
        baseline.TryGetValue(row.Key, out var held);
        if (held is not null) held.Seen = true;
        if (row.IsInvalid) return ChangeKind.Invalid;
        var current = RowFactory.PortalValues(schema, row);
        var kind = held is null ? ChangeKind.Added
            : held.Values == current || WithinTolerance(held.Values, current) ? ChangeKind.Unchanged
            : ChangeKind.Changed;
        if (kind == ChangeKind.Unchanged && !fullResync) return kind;
        var result = schema.Validator.Validate(row);
        if (!result.IsValid)
        {
            foreach (var failure in result.Errors)
            {
                var index = schema.Fields.Select(f => f.Name).ToList().IndexOf(failure.PropertyName);
                row.AddProblem(new RowProblem(failure.PropertyName, index >= 0 ? row.Raw[index] : null, failure.ErrorCode, failure.ErrorMessage));
            }
            return ChangeKind.Invalid;
        }
        values = current;
        send = true;
        return kind;
    }

    /// <summary>The keys the portal holds that the drop lacks, in key order.</summary>
    public List<string> Removals() =>
        [.. baseline.Where(e => !e.Value.Seen).Select(e => e.Key).Order(StringComparer.Ordinal)];

    private bool WithinTolerance(string held, string current)
    {
        if (_tolerances.Length == 0) return false;
        var a = held.Split(EntityKey.Separator);
        var b = current.Split(EntityKey.Separator);
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
