namespace Etl.State;

/// <summary>
/// One etl serve per data root: an exclusive OS lock on state/serve.lock (released by the kernel when the process
/// dies), so that two schedulers never run each pipeline twice per occurrence.
/// </summary>
public sealed class ServeLock : IDisposable
{
    private readonly FileStream _lock;

    private ServeLock(FileStream lockStream) => _lock = lockStream;

    /// <summary>Takes the lock, or returns null when another etl serve holds it.</summary>
    public static ServeLock? TryAcquire(string dataRoot)
    {
        var folder = Path.Combine(dataRoot, "state");
        Directory.CreateDirectory(folder);
        try
        {
            return new ServeLock(new FileStream(Path.Combine(folder, "serve.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();
}
