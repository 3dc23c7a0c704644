using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Etl.EndToEnd.Tests.Support;

/// <summary>A temporary data root and helpers to read what a run left in it.</summary>
internal sealed partial class DataRoot : IDisposable
{
    public DataRoot() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "etl-e2e-" + Guid.NewGuid().ToString("N")[..10]);

    public string Outbox => System.IO.Path.Combine(Path, "outbox");

    /// <summary>Writes a drop file that is already settled (marked .done).</summary>
    public string Drop(string entity, string name, string content)
    {
        var folder = System.IO.Path.Combine(Path, "drop", "erp", entity);
        Directory.CreateDirectory(folder);
        var file = System.IO.Path.Combine(folder, name);
        File.WriteAllText(file, content);
        File.WriteAllText(file + ".done", "");
        return file;
    }

    /// <summary>
    /// Published payload files, wherever the uploader has put them since (outbox/, sent/YYYY-MM-DD/, failed/), in name
    /// order (their names start with the time they were published); receipts and error files are not payloads.
    /// </summary>
    public List<string> Payloads(string? entity = null) =>
        Directory.Exists(Outbox)
            ? [.. Directory.GetFiles(Outbox, "*.json", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".receipt.json", StringComparison.Ordinal) && !f.EndsWith(".error.json", StringComparison.Ordinal))
                .Where(f => entity is null || System.IO.Path.GetFileName(f).Contains($"_{entity}_", StringComparison.Ordinal))
                .OrderBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)]
            : [];

    /// <summary>All records of the given payload files, with the entity.</summary>
    public static JsonArray Records(IEnumerable<string> payloads)
    {
        var all = new JsonArray();
        foreach (var file in payloads)
        {
            var payload = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var record in payload["records"]!.AsArray()) all.Add(record!.DeepClone());
        }
        return all;
    }

    /// <summary>The run ids of the reports, oldest first.</summary>
    public List<string> RunIds() => RunHistory.RunIds(Path);

    /// <summary>A run's summary.json.</summary>
    public JsonNode Summary(string runId) => JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "reports", runId, "summary.json")))!;

    /// <summary>Replaces run ids, timestamps and the data root in text so that it can be compared with a snapshot.</summary>
    public string Stable(string text) => Timestamp().Replace(RunId().Replace(text.Replace(Path, "<data-root>", StringComparison.Ordinal), "<run-id>"), "<time>");

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }

    [GeneratedRegex(@"\d{8}T\d{6}Z-[0-9a-f]{6}")]
    private static partial Regex RunId();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z|\d{8}T\d{9}Z")]
    private static partial Regex Timestamp();
}
