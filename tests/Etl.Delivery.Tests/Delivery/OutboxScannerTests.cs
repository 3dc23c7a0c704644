namespace Etl.Delivery.Tests.Delivery;

public sealed class OutboxScannerTests
{
    private string _outbox = null!;

    [SetUp]
    public void SetUp()
    {
        _outbox = Path.Combine(Path.GetTempPath(), "etl-scanner-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_outbox);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_outbox, recursive: true);

    [Test]
    public void Scan_SeveralRuns_OldestRunFirstThenReferencesFirstThenSequence()
    {
        // Published later, but of an older run: the run id decides, not the publish time.
        Write("20261130T030000000Z_inventory_20261130T020000Z-aaaaaa_000001.json");
        Write("20261130T020500000Z_order_status_20261130T020000Z-aaaaaa_000001.json");
        Write("20261130T020100000Z_fixed_prices_20261130T020000Z-aaaaaa_000002.json");
        Write("20261130T020100000Z_fixed_prices_20261130T020000Z-aaaaaa_000001.json");
        Write("20261130T020200000Z_customers_20261130T020000Z-aaaaaa_000001.json");
        Write("20261130T021000000Z_customers_20261130T021000Z-bbbbbb_000001.json");
        Write("20261130T020300000Z_list_prices_20261130T020000Z-aaaaaa_000001.json");
        Write("20261130T020300000Z_items_20261130T020000Z-aaaaaa_000001.json");

        var names = OutboxScanner.Scan(_outbox, DateTimeOffset.UtcNow).Ready.Select(f => f.Name);

        Assert.That(names, Is.EqualTo(new[]
        {
            "20261130T020200000Z_customers_20261130T020000Z-aaaaaa_000001.json",
            "20261130T020300000Z_items_20261130T020000Z-aaaaaa_000001.json",
            "20261130T020300000Z_list_prices_20261130T020000Z-aaaaaa_000001.json",
            "20261130T020100000Z_fixed_prices_20261130T020000Z-aaaaaa_000001.json",
            "20261130T020100000Z_fixed_prices_20261130T020000Z-aaaaaa_000002.json",
            "20261130T030000000Z_inventory_20261130T020000Z-aaaaaa_000001.json",
            "20261130T020500000Z_order_status_20261130T020000Z-aaaaaa_000001.json",
            "20261130T021000000Z_customers_20261130T021000Z-bbbbbb_000001.json",
        }));
    }

    [Test]
    public void Scan_ReceiptsErrorsDotAndTempFiles_AreNeverTaken()
    {
        Write("20261130T020000000Z_items_20261130T020000Z-aaaaaa_000001.json");
        Write("20261130T020000000Z_items_20261130T020000Z-aaaaaa_000001.receipt.json");
        Write("20261130T020000000Z_items_20261130T020000Z-aaaaaa_000002.error.json");
        Write(".items_20261130T020000Z-aaaaaa_000003.json.tmp");
        Write(".hidden.json");
        Write("upload.json.part");
        Write("notes.txt");
        Directory.CreateDirectory(Path.Combine(_outbox, "sent", "2026-11-30"));
        Write(Path.Combine("sent", "2026-11-30", "20261130T010000000Z_items_20261130T010000Z-cccccc_000001.json"));

        var scan = OutboxScanner.Scan(_outbox, DateTimeOffset.UtcNow);

        Assert.That(scan.Ready.Select(f => f.Name), Is.EqualTo(new[] { "20261130T020000000Z_items_20261130T020000Z-aaaaaa_000001.json" }));
        Assert.That(scan.Unsettled, Is.Zero);
    }

    [Test]
    public void Scan_FileStillBeingWritten_IsLeftUntilItIsWholeOrSettled()
    {
        var partial = Write("20261130T020000000Z_items_20261130T020000Z-aaaaaa_000001.json", """{"batch_id":"items-1","entity":"items","records":[""", age: TimeSpan.Zero);
        var whole = Write("20261130T020000000Z_items_20261130T020000Z-aaaaaa_000002.json", """{"batch_id":"items-2","entity":"items","records":[]}""", age: TimeSpan.Zero);

        var now = OutboxScanner.Scan(_outbox, DateTimeOffset.UtcNow);
        Assert.That(now.Ready.Select(f => f.Path), Is.EqualTo(new[] { whole }), "a fresh file that parses whole is taken at once");
        Assert.That(now.Unsettled, Is.EqualTo(1));

        var later = OutboxScanner.Scan(_outbox, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.That(later.Ready.Select(f => f.Path), Is.EqualTo(new[] { partial, whole }), "once settled it is taken (and refused if it is not a payload)");
    }

    [Test]
    public void IsBeingWritten_OnlyAFreshFileThatIsNotWholeJsonYet()
    {
        const string Cut = """{"batch_id":"items-1","entity":"items","records":[""";
        var fresh = new FileInfo(Write("a.json", Cut, age: TimeSpan.Zero));
        var old = new FileInfo(Write("b.json", Cut, age: TimeSpan.FromMinutes(1)));
        var now = DateTimeOffset.UtcNow;

        Assert.That(OutboxScanner.IsBeingWritten(fresh, File.ReadAllBytes(fresh.FullName), now), Is.True, "cut short and written just now: wait for the rest");
        Assert.That(OutboxScanner.IsBeingWritten(fresh, "{\"records\":[]}"u8.ToArray(), now), Is.False, "whole JSON: a payload or a refusal, not a wait");
        Assert.That(OutboxScanner.IsBeingWritten(old, File.ReadAllBytes(old.FullName), now), Is.False, "settled: broken for good");
    }

    [Test]
    public void Scan_FileNamedByHand_IsPlacedByItsBody()
    {
        Write("20261130T020000000Z_items_20261130T030000Z-bbbbbb_000001.json");
        Write("retry-customers.json", """{"batch_id":"customers-x","entity":"customers","run_id":"20261130T020000Z-aaaaaa","records":[]}""");
        Write("garbage.json", "not json");

        var names = OutboxScanner.Scan(_outbox, DateTimeOffset.UtcNow).Ready.Select(f => f.Name);

        Assert.That(names, Is.EqualTo(new[] { "retry-customers.json", "20261130T020000000Z_items_20261130T030000Z-bbbbbb_000001.json", "garbage.json" }));
    }

    private string Write(string name, string content = "{}", TimeSpan? age = null)
    {
        var path = Path.Combine(_outbox, name);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - (age ?? TimeSpan.FromMinutes(1)));
        return path;
    }
}
