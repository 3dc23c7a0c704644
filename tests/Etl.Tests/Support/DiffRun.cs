using Etl.Entities;
using Etl.Outbound.Diff;
using Etl.State;

namespace Etl.Tests.Support;

/// <summary>One row as the diff decided it.</summary>
internal sealed record Classified(Row Row, ChangeKind Kind, bool Send, string? Values);

/// <summary>Runs a drop through DuplicateIndex and Differ the way the outbound graph does.</summary>
internal static class DiffRun
{
    public static (List<Classified> Rows, List<string> Removals) Run(EntitySchema schema, IReadOnlyDictionary<string, string> portal,
        IReadOnlyList<string?[]> drop, IReadOnlyDictionary<string, decimal>? tolerances = null, bool fullResync = false)
    {
        var baseline = portal.ToDictionary(p => p.Key, p => new BaselineEntry(p.Value), StringComparer.Ordinal);
        var source = new MemorySource(drop);
        var duplicates = DuplicateIndex.Build(schema, source, CancellationToken.None);
        var differ = new Differ(schema, baseline, tolerances ?? new Dictionary<string, decimal>(), fullResync);
        var result = new List<Classified>();
        foreach (var record in source.Read(CancellationToken.None))
        {
            var row = RowFactory.Create(schema, record.Line, record.Texts);
            duplicates.Mark(schema, row);
            var kind = differ.Classify(row, out var values, out var send);
            result.Add(new Classified(row, kind, send, values));
        }
        return (result, differ.Removals());
    }

    /// <summary>The portal (baseline) holding these rows: key → canonical portal values.</summary>
    public static Dictionary<string, string> Portal(EntitySchema schema, params string?[][] rows) =>
        rows.Select(r => Rows.Create(schema, r)).ToDictionary(r => r.Key, r => RowFactory.PortalValues(schema, r), StringComparer.Ordinal);

    /// <summary>Applies what the diff would send (upserts, then deletes) to a copy of the portal.</summary>
    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> portal, (List<Classified> Rows, List<string> Removals) diff)
    {
        var result = new Dictionary<string, string>(portal, StringComparer.Ordinal);
        foreach (var c in diff.Rows.Where(c => c.Send)) result[c.Row.Key] = c.Values!;
        foreach (var key in diff.Removals) result.Remove(key);
        return result;
    }

    public static string Key(params string[] parts) => string.Join(EntityKey.Separator, parts);
}
