using System.Security.Cryptography;

namespace Etl.Reliability.Tests.Support;

/// <summary>Every file under a folder with its content hash, size and last write time: a before/after picture.</summary>
internal static class FileTree
{
    /// <summary>Relative path → "sha256 size mtime" of every file; empty when the folder does not exist.</summary>
    public static SortedDictionary<string, string> Of(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return files;
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(file);
            files[Path.GetRelativePath(folder, file)] =
                $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))} {info.Length} {info.LastWriteTimeUtc.Ticks}";
        }
        return files;
    }

    /// <summary>What changed between two pictures, one line per file (empty when nothing did).</summary>
    public static List<string> Diff(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var changes = new List<string>();
        foreach (var (path, value) in after)
        {
            if (!before.TryGetValue(path, out var old)) changes.Add("created " + path);
            else if (old != value) changes.Add("changed " + path);
        }
        changes.AddRange(before.Keys.Where(p => !after.ContainsKey(p)).Select(p => "removed " + p));
        return changes;
    }
}
