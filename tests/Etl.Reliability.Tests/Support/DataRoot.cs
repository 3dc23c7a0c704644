using System.Text.Json.Nodes;

namespace Etl.Reliability.Tests.Support;

/// <summary>A temporary data root and helpers to lay drops in it and read what a run left there.</summary>
internal sealed class DataRoot : IDisposable
{
    public DataRoot() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "etl-rel-" + Guid.NewGuid().ToString("N")[..10]);

    public string Outbox => System.IO.Path.Combine(Path, "outbox");

    /// <summary>drop/erp/&lt;entity&gt;/.</summary>
    public string DropFolder(string entity) => System.IO.Path.Combine(Path, "drop", "erp", entity);

    /// <summary>drop/erp/&lt;entity&gt;/failed/.</summary>
    public string FailedFolder(string entity) => System.IO.Path.Combine(DropFolder(entity), "failed");

    /// <summary>Writes a drop file; settled ones get a .done marker, others are left as if the ERP were still writing them.</summary>
    public string Drop(string entity, string name, byte[] content, bool settled = true)
    {
        var folder = DropFolder(entity);
        Directory.CreateDirectory(folder);
        var file = System.IO.Path.Combine(folder, name);
        File.WriteAllBytes(file, content);
        if (settled) File.WriteAllText(file + ".done", "");
        return file;
    }

    /// <summary>Payload files published by the runs (outbox/ and, after an upload, sent/ and failed/), in name order.</summary>
    public List<string> Payloads(string? entity = null) =>
        Directory.Exists(Outbox)
            ? [.. Directory.GetFiles(Outbox, "*.json", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".receipt.json", StringComparison.Ordinal) && !f.EndsWith(".error.json", StringComparison.Ordinal))
                .Where(f => entity is null || System.IO.Path.GetFileName(f).Contains($"_{entity}_", StringComparison.Ordinal))
                .OrderBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)]
            : [];

    /// <summary>All records of the given payload files.</summary>
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

    /// <summary>Snapshot files of an entity.</summary>
    public List<string> Snapshots(string entity)
    {
        var folder = System.IO.Path.Combine(Path, "snapshots", entity);
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.parquet", SearchOption.AllDirectories)] : [];
    }

    /// <summary>The run ids of the reports, oldest first.</summary>
    public List<string> RunIds() => Etl.EndToEnd.Tests.Support.RunHistory.RunIds(Path);

    /// <summary>A file of a run's report folder.</summary>
    public string Report(string runId, string name) => System.IO.Path.Combine(Path, "reports", runId, name);

    /// <summary>A run's summary.json.</summary>
    public JsonNode Summary(string runId) => JsonNode.Parse(File.ReadAllText(Report(runId, "summary.json")))!;

    /// <summary>Copies a folder tree (for a prepared data root reused by several tests).</summary>
    public static void Copy(string from, string to)
    {
        foreach (var folder in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(folder.Replace(from, to, StringComparison.Ordinal));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = file.Replace(from, to, StringComparison.Ordinal);
            File.Copy(file, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
