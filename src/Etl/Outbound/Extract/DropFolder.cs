namespace Etl.Outbound.Extract;

/// <summary>
/// drop/erp/&lt;entity&gt;/: which drop to take (settled or marked .done, the newest wins), and where taken files go
/// (processed/&lt;run-id&gt;/, or failed/ with the reason beside them). Dot, .tmp and .part files are never touched.
/// </summary>
public sealed class DropFolder(string dataRoot, string entity)
{
    /// <summary>The folder ERP exports land in.</summary>
    public string Path { get; } = System.IO.Path.Combine(dataRoot, "drop", "erp", entity);

    /// <summary>Finds the drops that are ready: the newest is the snapshot, the older ones are superseded.</summary>
    public DropSelection Select(DateTimeOffset now, TimeSpan settleTime)
    {
        if (!Directory.Exists(Path)) return new DropSelection(null, [], 0);
        var candidates = new DirectoryInfo(Path).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && f.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .ToList();
        var ready = candidates
            .Where(f => File.Exists(f.FullName + ".done") || f.LastWriteTimeUtc <= (now - settleTime).UtcDateTime)
            .OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)
            .ToList();
        return ready.Count == 0
            ? new DropSelection(null, [], candidates.Count)
            : new DropSelection(ready[0].FullName, [.. ready.Skip(1).Select(f => f.FullName)], candidates.Count - ready.Count);
    }

    /// <summary>Moves a taken drop (and its marker) to processed/&lt;run-id&gt;/.</summary>
    public void MoveToProcessed(string file, string runId) =>
        Move(file, System.IO.Path.Combine(Path, "processed", runId));

    /// <summary>Moves a drop that could not be used (and its marker) to failed/ and writes the reason beside it.</summary>
    public string MoveToFailed(string file, string reason)
    {
        var target = Move(file, System.IO.Path.Combine(Path, "failed"));
        AtomicFile.WriteAllText(target + ".error.txt", reason + Environment.NewLine);
        return target;
    }

    private static string Move(string file, string folder)
    {
        Directory.CreateDirectory(folder);
        var name = System.IO.Path.GetFileName(file);
        var target = System.IO.Path.Combine(folder, name);
        for (var n = 2; File.Exists(target); n++)
        {
            target = System.IO.Path.Combine(folder, $"{System.IO.Path.GetFileNameWithoutExtension(name)}.{n}{System.IO.Path.GetExtension(name)}");
        }
        File.Move(file, target);
        if (File.Exists(file + ".done")) File.Move(file + ".done", target + ".done", overwrite: true);
        return target;
    }
}

/// <summary>The drops of one entity that are ready: the one to read, the older ones it supersedes, and how many still settle.</summary>
public sealed record DropSelection(string? Newest, IReadOnlyList<string> Superseded, int Waiting);
