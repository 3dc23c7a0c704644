namespace Etl.Delivery.Tests.Delivery;

public sealed class DeliveryLedgerTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Path.Combine(Path.GetTempPath(), "etl-ledger-" + Guid.NewGuid().ToString("N")[..10]);

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void RecordAccepted_OlderAsOfLater_KeepsTheNewest()
    {
        using var ledger = DeliveryLedger.Open(_root, "url:http://portal/");
        ledger.RecordAccepted("b-2", "h2", "inventory", "b-2", "{}", DateTimeOffset.UtcNow, "2026-11-30T02:00:00Z", ["A", "B"]);
        ledger.RecordAccepted("b-1", "h1", "inventory", "b-1", "{}", DateTimeOffset.UtcNow, "2026-11-29T02:00:00Z", ["A", "C"]);

        var newest = ledger.NewestAsOf("inventory", ["A", "B", "C", "D"]);

        Assert.That(newest, Is.EqualTo(new Dictionary<string, string>
        {
            ["A"] = "2026-11-30T02:00:00Z",
            ["B"] = "2026-11-30T02:00:00Z",
            ["C"] = "2026-11-29T02:00:00Z",
        }));
    }

    [Test]
    public void FindReceipt_IsPerPortalAndPerBody()
    {
        using (var first = DeliveryLedger.Open(_root, "url:http://one/"))
        {
            first.RecordAccepted("b-1", "h1", "items", "b-1", """{"import_id":"imp-1"}""", DateTimeOffset.UtcNow, null, []);
        }
        using var again = DeliveryLedger.Open(_root, "url:http://one/");
        using var other = DeliveryLedger.Open(_root, "url:http://two/");

        Assert.That(again.FindReceipt("b-1", "h1"), Is.EqualTo("""{"import_id":"imp-1"}"""), "kept across connections");
        Assert.That(again.FindReceipt("b-1", "h2"), Is.Null, "another body is another delivery");
        Assert.That(again.WasAccepted("b-1"), Is.True);
        Assert.That(other.FindReceipt("b-1", "h1"), Is.Null, "another portal has its own ledger");
        Assert.That(other.WasAccepted("b-1"), Is.False);
    }
}
