using System.Globalization;
using Etl.Entities;
using Etl.State;

namespace Etl.Reconcile;

/// <summary>
/// Compares, key by key, the ERP's valid rows, the portal's records and the baseline (all as canonical portal values):
/// missing (a valid ERP row the portal lacks), extra (a portal record the ERP has no row for), different (field by field,
/// numbers by value, within the pipeline's tolerances) and a stale baseline (the engine believes the portal holds
/// something else). Keys the ERP holds only invalid rows for are left alone: the portal keeps what it had for them.
/// Pure: no I/O.
/// </summary>
internal static class Comparison
{
    /// <summary>Compares and fills <paramref name="result"/>; returns the findings by internal key, for a repair.</summary>
    public static Drift Compare(EntitySchema schema, IReadOnlyDictionary<string, Row> erpValid, Func<string, bool> erpInvalid, int erpInvalidCount,
        IReadOnlyDictionary<string, string[]> portal, IReadOnlyDictionary<string, string> baseline,
        IReadOnlyDictionary<string, decimal> tolerances, ReconcileResult result)
    {
        var drift = new Drift();
        var names = schema.PortalIndexes.Select(i => schema.Fields[i].Name).ToArray();
        var tolerance = names.Select(n => tolerances.TryGetValue(n, out var t) ? t : 0m).ToArray();
        result.ErpValid = erpValid.Count;
        result.ErpInvalid = erpInvalidCount;
        result.Portal = portal.Count;
        result.Baseline = baseline.Count;

        foreach (var (key, row) in erpValid.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var erp = Values(schema, row);
            var shown = EntityKey.Display(key);
            if (!portal.TryGetValue(key, out var held))
            {
                drift.Missing.Add(key);
                result.Missing.Add(shown);
                result.Lines.Add(new ReconcileLine("missing", shown, null, Record(names, erp), null, BaselineText(baseline, key, names)));
                continue;
            }
            var fields = new List<FieldDifference>();
            for (var i = 0; i < names.Length; i++)
            {
                if (erp[i] != held[i] && !Within(erp[i], held[i], tolerance[i])) fields.Add(new FieldDifference(names[i], Shown(erp[i]), Shown(held[i])));
            }
            if (fields.Count == 0)
            {
                result.InStep++;
                continue;
            }
            drift.Different.Add(key);
            result.Different.Add(new RecordDifference(shown, fields));
            var believed = baseline.GetValueOrDefault(key);
            foreach (var field in fields)
            {
                result.Lines.Add(new ReconcileLine("different", shown, field.Field, field.Erp, field.Portal,
                    BaselineField(believed, Array.IndexOf(names, field.Field), names.Length)));
            }
        }
        foreach (var (key, held) in portal.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (erpValid.ContainsKey(key) || erpInvalid(key)) continue;
            var shown = EntityKey.Display(key);
            drift.Extra.Add(key);
            result.Extra.Add(shown);
            result.Lines.Add(new ReconcileLine("extra", shown, null, null, Record(names, held), BaselineText(baseline, key, names)));
        }
        foreach (var key in portal.Keys.Union(baseline.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var actual = portal.TryGetValue(key, out var held) ? string.Join(EntityKey.Separator, held) : null;
            var believed = baseline.GetValueOrDefault(key);
            if (actual == believed) continue;
            drift.BaselineStale[key] = actual;
            var shown = EntityKey.Display(key);
            result.BaselineStale.Add(shown);
            result.Lines.Add(new ReconcileLine("baseline_stale", shown, null, null,
                held is null ? null : Record(names, held), BaselineText(baseline, key, names)));
        }
        return drift;
    }

    /// <summary>The canonical portal values of an ERP row, as <see cref="RowFactory.PortalValues"/> joins them.</summary>
    public static string[] Values(EntitySchema schema, Row row) =>
        [.. schema.PortalIndexes.Select(i => FieldConverter.Canonical(row.Values[i]))];

    private static bool Within(string a, string b, decimal tolerance) =>
        tolerance > 0
        && decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var x)
        && decimal.TryParse(b, NumberStyles.Number, CultureInfo.InvariantCulture, out var y)
        && Math.Abs(x - y) < tolerance;

    private static string? Shown(string value) => value.Length == 0 ? null : value;

    private static string Record(string[] names, string[] values) =>
        string.Join("; ", names.Select((n, i) => $"{n}={(values[i].Length == 0 ? "null" : values[i])}"));

    private static string? BaselineText(IReadOnlyDictionary<string, string> baseline, string key, string[] names)
    {
        if (!baseline.TryGetValue(key, out var values)) return null;
        return values == StateStore.UnknownValues ? Unknown : Record(names, Split(values, names.Length));
    }

    private static string? BaselineField(string? values, int index, int count)
    {
        if (values is null) return null;
        if (values == StateStore.UnknownValues) return Unknown;
        var parts = Split(values, count);
        return Shown(parts[index]);
    }

    private const string Unknown = "(unknown: a refused or rejected delivery)";

    private static string[] Split(string values, int count)
    {
        var parts = values.Split(EntityKey.Separator);
        return parts.Length == count ? parts : [.. Enumerable.Repeat(values, count)];
    }
}

/// <summary>The findings of a comparison by internal key (fields joined with the unit separator).</summary>
internal sealed class Drift
{
    /// <summary>Valid ERP rows the portal lacks.</summary>
    public List<string> Missing { get; } = [];

    /// <summary>Valid ERP rows the portal holds with other values.</summary>
    public List<string> Different { get; } = [];

    /// <summary>Portal records without an ERP row.</summary>
    public List<string> Extra { get; } = [];

    /// <summary>Keys whose baseline entry disagrees with the portal: the portal's actual values (null when it lacks the key).</summary>
    public Dictionary<string, string?> BaselineStale { get; } = new(StringComparer.Ordinal);
}
