using Etl.State;
using Etl.Tests.Support;

namespace Etl.Tests.State;

public sealed class RunLockTests
{
    private static readonly RunLockHolder Nightly = new("nightly", "20261130T020000Z-0a1b2c", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero), 4242);
    private static readonly RunLockHolder Intraday = new("intraday", "20261130T021500Z-ffee00", new DateTimeOffset(2026, 11, 30, 2, 15, 0, TimeSpan.Zero), 4343);
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void TryAcquire_Free_TakesTheLock()
    {
        using var runLock = RunLock.TryAcquire(_temp.Path, Nightly, out var holder);

        Assert.That(runLock, Is.Not.Null);
        Assert.That(holder, Is.Null);
        Assert.That(File.ReadAllText(_temp.Combine("state", "run.lock.json")), Does.Contain("nightly").And.Contain(Nightly.RunId));
    }

    [Test]
    public void TryAcquire_Free_WritesTheDetailsInTheFormEarlierVersionsRead()
    {
        using var runLock = RunLock.TryAcquire(_temp.Path, Nightly, out _);

        Assert.That(File.ReadAllText(_temp.Combine("state", "run.lock.json")),
            Is.EqualTo("""{"Pipeline":"nightly","RunId":"20261130T020000Z-0a1b2c","StartedAt":"2026-11-30T02:00:00+00:00","ProcessId":4242}"""));
    }

    [TestCase("""{"Pipeline":"nightly","RunId":"x"}""")]
    [TestCase("""{"Pipeline":1,"RunId":"x","StartedAt":"2026-11-30T02:00:00Z","ProcessId":1}""")]
    [TestCase("""{"Pipeline":"nightly","RunId":"x","StartedAt":"yesterday","ProcessId":1}""")]
    public void TryAcquire_HeldWithDetailsOfAnotherShape_StillFailsWithAMessage(string details)
    {
        using var first = RunLock.TryAcquire(_temp.Path, Nightly, out _);
        File.WriteAllText(_temp.Combine("state", "run.lock.json"), details);

        var second = RunLock.TryAcquire(_temp.Path, Intraday, out var holder);

        Assert.That(second, Is.Null);
        Assert.That(holder, Is.EqualTo("another run (its details are not readable yet)"));
    }

    [Test]
    public void TryAcquire_SecondWhileHeld_FailsAndNamesTheHolder()
    {
        using var first = RunLock.TryAcquire(_temp.Path, Nightly, out _);

        var second = RunLock.TryAcquire(_temp.Path, Intraday, out var holder);

        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.Null);
        Assert.That(holder, Does.Contain("pipeline 'nightly'").And.Contain("run 20261130T020000Z-0a1b2c").And.Contain("2026-11-30 02:00:00").And.Contain("4242"));
    }

    [Test]
    public void TryAcquire_AfterTheHolderDisposed_Succeeds()
    {
        var first = RunLock.TryAcquire(_temp.Path, Nightly, out _);
        first!.Dispose();

        using var second = RunLock.TryAcquire(_temp.Path, Intraday, out var holder);

        Assert.That(second, Is.Not.Null);
        Assert.That(holder, Is.Null);
        Assert.That(File.ReadAllText(_temp.Combine("state", "run.lock.json")), Does.Contain("intraday").And.Not.Contain("nightly"));
    }

    [Test]
    public void Dispose_RemovesTheHolderDetails()
    {
        var runLock = RunLock.TryAcquire(_temp.Path, Nightly, out _);

        runLock!.Dispose();

        Assert.That(File.Exists(_temp.Combine("state", "run.lock.json")), Is.False);
    }

    [Test]
    public void TryAcquire_AnotherDataRoot_Independent()
    {
        using var other = new TempFolder();
        using var first = RunLock.TryAcquire(_temp.Path, Nightly, out _);

        using var second = RunLock.TryAcquire(other.Path, Intraday, out var holder);

        Assert.That(second, Is.Not.Null);
        Assert.That(holder, Is.Null);
    }

    [Test]
    public void TryAcquire_HeldWithUnreadableDetails_StillFailsWithAMessage()
    {
        using var first = RunLock.TryAcquire(_temp.Path, Nightly, out _);
        File.WriteAllText(_temp.Combine("state", "run.lock.json"), "{ not json");

        var second = RunLock.TryAcquire(_temp.Path, Intraday, out var holder);

        Assert.That(second, Is.Null);
        Assert.That(holder, Is.Not.Null.And.Not.Empty);
    }
}
