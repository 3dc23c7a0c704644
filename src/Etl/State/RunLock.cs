using System.Buffers;
using System.Text.Json;

namespace Etl.State;

/// <summary>
/// One run at a time per data root: an exclusive OS lock on state/run.lock, which the kernel releases when the
/// holder dies, so a killed run never blocks the next one. The holder's pipeline, run id and start are written
/// beside it in state/run.lock.json for the message a second run prints.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _infoPath;

    private RunLock(FileStream lockStream, string infoPath)
    {
        _lock = lockStream;
        _infoPath = infoPath;
    }

    /// <summary>Takes the lock, or returns null with a description of the holder.</summary>
    public static RunLock? TryAcquire(string dataRoot, RunLockHolder me, out string? holder)
    {
        var folder = Path.Combine(dataRoot, "state");
        Directory.CreateDirectory(folder);
        var infoPath = Path.Combine(folder, "run.lock.json");
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(folder, "run.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            holder = Describe(infoPath);
            return null;
        }
        File.WriteAllBytes(infoPath, me.ToJson());
        holder = null;
        return new RunLock(stream, infoPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        File.Delete(_infoPath);
        _lock.Dispose();
    }

    private static string Describe(string infoPath)
    {
        try
        {
            var info = RunLockHolder.FromJson(File.ReadAllBytes(infoPath));
            return $"pipeline '{info.Pipeline}', run {info.RunId}, started {info.StartedAt:yyyy-MM-dd HH:mm:ss}Z (process {info.ProcessId})";
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // The holder is still writing its details; say what we know.
        }
        return "another run (its details are not readable yet)";
    }
}

/// <summary>Who holds the run lock.</summary>
public sealed record RunLockHolder(string Pipeline, string RunId, DateTimeOffset StartedAt, int ProcessId)
{
    /// <summary>
    /// As state/run.lock.json holds it. Written with Utf8JsonWriter rather than the serializer: the serializer's first
    /// use, even with generated code, cost each run 40–55 ms of start-up, and a run uses it nowhere else.
    /// </summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(nameof(Pipeline), Pipeline);
            json.WriteString(nameof(RunId), RunId);
            json.WriteString(nameof(StartedAt), StartedAt);
            json.WriteNumber(nameof(ProcessId), ProcessId);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads <see cref="ToJson"/>'s form (a file that is not one throws: JsonException, KeyNotFoundException, InvalidOperationException, FormatException).</summary>
    public static RunLockHolder FromJson(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new RunLockHolder(root.GetProperty(nameof(Pipeline)).GetString()!, root.GetProperty(nameof(RunId)).GetString()!,
            root.GetProperty(nameof(StartedAt)).GetDateTimeOffset(), root.GetProperty(nameof(ProcessId)).GetInt32());
    }
}
