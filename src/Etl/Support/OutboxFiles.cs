using System.Globalization;
using System.Text.RegularExpressions;

namespace Etl.Support;

/// <summary>
/// The payload files of one entity's runs wherever delivery has put them (outbox/, outbox/sent/YYYY-MM-DD/,
/// outbox/failed/), with the receipts and error files beside them, found in one listing of each folder. Only sent/
/// folders dated on or after the earliest run asked for are listed: a payload is never delivered before its run.
/// </summary>
internal sealed partial class OutboxFiles
{
    private readonly Dictionary<string, List<PayloadFiles>> _byRun = new(StringComparer.Ordinal);

    /// <summary>Lists the files of <paramref name="entity"/> written by <paramref name="runIds"/>.</summary>
    public static OutboxFiles Find(string dataRoot, string entity, IReadOnlySet<string> runIds, DateOnly earliest)
    {
        var result = new OutboxFiles();
        if (runIds.Count == 0) return result;
        var outbox = Path.Combine(dataRoot, "outbox");
        var folders = new List<(string Folder, string Location)> { (outbox, "outbox"), (Path.Combine(outbox, "failed"), "failed") };
        var sent = Path.Combine(outbox, "sent");
        if (Directory.Exists(sent))
        {
            var from = earliest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            folders.AddRange(Directory.EnumerateDirectories(sent)
                .Where(d => string.CompareOrdinal(Path.GetFileName(d), from) >= 0)
                .OrderBy(d => d, StringComparer.Ordinal)
                .Select(d => (d, "sent")));
        }
        var byStem = new Dictionary<string, PayloadFiles>(StringComparer.Ordinal);
        foreach (var (folder, location) in folders)
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder, $"*_{entity}_*.json"))
            {
                var match = Name().Match(Path.GetFileName(file));
                if (!match.Success || match.Groups["entity"].Value != entity || !runIds.Contains(match.Groups["run"].Value)) continue;
                var stem = match.Groups["stem"].Value;
                if (!byStem.TryGetValue(stem, out var files))
                {
                    files = new PayloadFiles(stem, match.Groups["run"].Value, int.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture));
                    byStem[stem] = files;
                    if (!result._byRun.TryGetValue(files.RunId, out var list)) result._byRun[files.RunId] = list = [];
                    list.Add(files);
                }
                switch (match.Groups["kind"].Value)
                {
                    case ".receipt": files.Receipts.Add(file); break;
                    case ".error": files.Errors.Add(file); break;
                    default: files.Payloads.Add((file, location)); break;
                }
            }
        }
        foreach (var list in result._byRun.Values) list.Sort((a, b) => a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence) : string.CompareOrdinal(a.Stem, b.Stem));
        return result;
    }

    /// <summary>The payloads of a run, by sequence.</summary>
    public IReadOnlyList<PayloadFiles> OfRun(string runId) => _byRun.GetValueOrDefault(runId) ?? [];

    /// <summary>YYYYMMDDTHHMMSSfffZ_&lt;entity&gt;_&lt;run-id&gt;_&lt;seq&gt;[.receipt|.error].json (CONTRACTS.md section 3).</summary>
    [GeneratedRegex(@"^(?<stem>\d{8}T\d{9}Z_(?<entity>[A-Za-z0-9_]+)_(?<run>\d{8}T\d{6}Z-[0-9a-f]{6})_(?<seq>\d{6}))(?<kind>\.receipt|\.error)?\.json$")]
    private static partial Regex Name();
}

/// <summary>One payload's files: where the payload is now (one place, unless someone copied it), its receipts and error files.</summary>
internal sealed record PayloadFiles(string Stem, string RunId, int Sequence)
{
    /// <summary>The payload file(s) with where each lies: outbox, sent or failed.</summary>
    public List<(string Path, string Location)> Payloads { get; } = [];

    /// <summary>Receipts in sent/ (a re-dropped payload delivered again gets one in that day's folder).</summary>
    public List<string> Receipts { get; } = [];

    /// <summary>Error files in failed/.</summary>
    public List<string> Errors { get; } = [];
}
