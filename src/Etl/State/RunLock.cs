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
        File.WriteAllText(infoPath, JsonSerializer.Serialize(me, RunLockJson.Default.RunLockHolder));
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
            var info = JsonSerializer.Deserialize(File.ReadAllText(infoPath), RunLockJson.Default.RunLockHolder);
            if (info is not null) return $"pipeline '{info.Pipeline}', run {info.RunId}, started {info.StartedAt:yyyy-MM-dd HH:mm:ss}Z (process {info.ProcessId})";
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            // The holder is still writing its details; say what we know.
        }
        return "another run (its details are not readable yet)";
    }
}

/// <summary>Who holds the run lock.</summary>
public sealed record RunLockHolder(string Pipeline, string RunId, DateTimeOffset StartedAt, int ProcessId);

/// <summary>The lock holder's JSON, generated at build time (no reflection while a run starts).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(RunLockHolder))]
internal sealed partial class RunLockJson : System.Text.Json.Serialization.JsonSerializerContext;
