using Etl.State;
using Microsoft.Data.Sqlite;

namespace Etl.Tests.State;

/// <summary>The order ledger's batches (one transaction each) on a real state/etl.db.</summary>
[TestFixture]
public sealed class OrderLedgerTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private string _root = null!;
    private OrderLedger _ledger = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "etl-ledger-" + Guid.NewGuid().ToString("N")[..8]);
        _ledger = OrderLedger.Open(_root);
    }

    [TearDown]
    public void TearDown()
    {
        _ledger.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void Apply_ABatch_WritesEveryChangeInItsOrder()
    {
        _ledger.Apply([
            new ReviewHold("P-1", "invalid", "no lines", null, "run-1", At),
            new ReviewRelease("P-1"),
            new ReviewHold("P-2", "ambiguous_match", "two orders", null, "run-1", At),
            new BackUpdateParked("P-3", "WEB-000003", "503", At),
            new BackUpdateCleared("P-3"),
            new BackUpdateParked("P-4", "WEB-000004", "503", At),
            new BackUpdateParked("P-4", "WEB-000004", "timeout", At),
            new TrailEntry("run-1", "P-4", "back_update_failed", "parked", At),
        ]);

        Assert.That(_ledger.ReviewQueue().Select(e => e.PortalOrderId), Is.EqualTo(new[] { "P-2" }), "P-1 was held, then released");
        Assert.That(_ledger.ParkedBackUpdates(), Is.EqualTo(new[] { ("P-4", "WEB-000004") }), "P-3 was parked, then cleared");
    }

    [Test]
    public void Apply_AChangeOfTheBatchFails_NothingOfTheBatchIsWritten()
    {
        Assert.Throws<SqliteException>(() => _ledger.Apply([
            new ReviewHold("P-1", "invalid", "no lines", null, "run-1", At),
            new BackUpdateParked("P-2", "WEB-000002", "503", At),
            new TrailEntry(null!, "P-2", "back_update_failed", "a trail entry without a run breaks NOT NULL", At),
        ]));

        Assert.That(_ledger.ReviewQueue(), Is.Empty);
        Assert.That(_ledger.ParkedBackUpdates(), Is.Empty);
    }
}
