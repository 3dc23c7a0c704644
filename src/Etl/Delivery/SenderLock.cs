using Microsoft.Extensions.Logging;

namespace Etl.Delivery;

/// <summary>
/// One sender at a time per outbox: an exclusive OS lock on outbox/.sender.lock, which the kernel releases when its
/// holder dies. A run's drain, <c>etl upload</c> and a watcher wait for each other rather than fail.
/// </summary>
internal sealed class SenderLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _stream;

    private SenderLock(FileStream stream) => _stream = stream;

    /// <summary>The lock file of an outbox.</summary>
    public static string PathOf(string outbox) => Path.Combine(outbox, ".sender.lock");

    /// <summary>Takes the lock, waiting for another holder to let go.</summary>
    public static async Task<SenderLock> AcquireAsync(string outbox, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outbox);
        var waited = false;
        while (true)
        {
            try
            {
                return new SenderLock(new FileStream(PathOf(outbox), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!waited) logger.LogInformation("Another sender is delivering from {Outbox}; waiting for it to finish", outbox);
                waited = true;
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
