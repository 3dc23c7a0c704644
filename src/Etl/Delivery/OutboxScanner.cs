using System.Globalization;
using System.Text.RegularExpressions;

namespace Etl.Delivery;

/// <summary>
/// Which files in outbox/ are payloads to send, and in what order (CONTRACTS.md section 3): <c>*.json</c> except
/// receipts, error files, dot files and temp names; oldest run first (the run id in the name), within a run references
/// first (the entity order of <see cref="Entities.EntityCatalog"/>), then by sequence. A file still being written is not
/// taken: its last write must be older than <see cref="SettleTime"/>, or it must already parse as a whole JSON document.
/// </summary>
internal static partial class OutboxScanner
{
    /// <summary>How old a file's last write must be before it is taken without being read first.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    /// <summary>Whether a file name in outbox/ can be a payload at all.</summary>
    public static bool IsCandidateName(string name) =>
        name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith('.')
        && !name.EndsWith(".receipt.json", StringComparison.OrdinalIgnoreCase)
        && !name.EndsWith(".error.json", StringComparison.OrdinalIgnoreCase);

    /// <summary>How many files in outbox/ are payloads, ready or still being written (none is read).</summary>
    public static int CountCandidates(string outbox) =>
        Directory.Exists(outbox) ? new DirectoryInfo(outbox).EnumerateFiles("*").Count(f => IsCandidateName(f.Name)) : 0;

    /// <summary>Lists the payloads ready to send, in delivery order, and counts those still being written.</summary>
    public static OutboxScan Scan(string outbox, DateTimeOffset now)
    {
        if (!Directory.Exists(outbox)) return new OutboxScan([], 0);
        var ready = new List<OutboxFile>();
        var unsettled = 0;
        foreach (var info in new DirectoryInfo(outbox).EnumerateFiles("*"))
        {
            if (!IsCandidateName(info.Name)) continue;
            var settled = IsSettled(info, now);
            byte[]? bytes = null;
            var match = PayloadName().Match(info.Name);
            if (!settled || !match.Success)
            {
                bytes = TryRead(info.FullName);
                if (bytes is null) continue; // gone meanwhile
            }
            if (bytes is not null && IsBeingWritten(info, bytes, now))
            {
                unsettled++;
                continue;
            }
            if (match.Success)
            {
                ready.Add(new OutboxFile(info.FullName, info.Name, match.Groups["run"].Value, match.Groups["entity"].Value,
                    int.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture)));
            }
            else
            {
                // Named by hand: the body says where it belongs; an unreadable one goes last (and to failed/ when sent).
                var peek = Payload.Peek(bytes!);
                ready.Add(new OutboxFile(info.FullName, info.Name, peek?.RunId, peek?.Entity, 0));
            }
        }
        ready.Sort(Compare);
        return new OutboxScan(ready, unsettled);
    }

    /// <summary>
    /// Whether a file is still being written: written within <see cref="SettleTime"/> and not (yet) a whole JSON
    /// document. The scan leaves such a file; so does the delivery, which reads it again and may find it replaced since
    /// the scan (a copy over a waiting file truncates it first).
    /// </summary>
    public static bool IsBeingWritten(FileInfo info, byte[] bytes, DateTimeOffset now) => !IsSettled(info, now) && !IsWholeJson(bytes);

    private static bool IsSettled(FileInfo info, DateTimeOffset now) => info.LastWriteTimeUtc <= (now - SettleTime).UtcDateTime;

    /// <summary>The delivery order: run, entity, sequence, then name.</summary>
    public static int Compare(OutboxFile a, OutboxFile b)
    {
        // A file without a run id goes after every run.
        var byRun = (a.RunId is null).CompareTo(b.RunId is null);
        if (byRun == 0) byRun = string.CompareOrdinal(a.RunId, b.RunId);
        if (byRun != 0) return byRun;
        var byEntity = a.EntityOrder.CompareTo(b.EntityOrder);
        if (byEntity != 0) return byEntity;
        var bySequence = a.Sequence.CompareTo(b.Sequence);
        return bySequence != 0 ? bySequence : string.CompareOrdinal(a.Name, b.Name);
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            // Held exclusively by its writer: still being written.
            return [];
        }
    }

    private static bool IsWholeJson(byte[] bytes) => bytes.Length > 0 && Payload.Peek(bytes) is not null;

    /// <summary>YYYYMMDDTHHMMSSfffZ_&lt;entity&gt;_&lt;run-id&gt;_&lt;seq&gt;.json; the run id has no '_', so the entity may.</summary>
    [GeneratedRegex(@"^\d{8}T\d{9}Z_(?<entity>[A-Za-z0-9_]+)_(?<run>\d{8}T\d{6}Z-[0-9a-f]{6})_(?<seq>\d{6})\.json$")]
    private static partial Regex PayloadName();
}

/// <summary>What a look at outbox/ found: payloads ready to send, in order, and files still being written.</summary>
internal sealed record OutboxScan(IReadOnlyList<OutboxFile> Ready, int Unsettled)
{
    /// <summary>All payload files waiting, ready or not.</summary>
    public int Waiting => Ready.Count + Unsettled;
}
