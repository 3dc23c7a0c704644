using Etl.Configuration;
using Etl.Entities;
using Etl.Entities.Inventory;
using Etl.Runs;
using Etl.State;
using Etl.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Etl.Tests.Runs;

/// <summary>A run's outbound side end to end in a temp data root (no upload): what is published, moved and kept.</summary>
public sealed class RunEngineTests
{
    private const string InventoryHeader = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\n";
    private const string ItemsHeader = "sku,description,uom,product_class,weight_kg,active\n";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private TempFolder _temp = null!;
    private FakeTimeProvider _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _clock = new FakeTimeProvider(Now);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private EtlSettings Settings() => new() { DataRoot = _temp.Path };

    private static PipelineDefinition Pipeline(params string[] entities) => new()
    {
        Name = "nightly",
        Path = "pipelines/nightly.json",
        Entities = [.. entities.Select(e => new EntityDefinition { Name = e, Source = "drop", Tolerances = new Dictionary<string, decimal>(), Guards = new Dictionary<string, decimal>() })],
        Settings = new Dictionary<string, string?>(),
    };

    private Task<RunSummary> RunAsync(RunRequest? request = null, params string[] entities) =>
        new RunEngine(Settings(), _clock, NullLogger.Instance).RunAsync(Pipeline(entities.Length == 0 ? ["inventory"] : entities), request ?? new RunRequest { NoUpload = true }, CancellationToken.None);

    private string Drop(string entity, string name, string csv, TimeSpan? age = null)
    {
        var path = _temp.Write(Path.Combine("drop", "erp", entity, name), csv);
        File.SetLastWriteTimeUtc(path, (Now - (age ?? TimeSpan.FromMinutes(5))).UtcDateTime);
        return path;
    }

    private static string Inventory(int count, int qty = 5) =>
        InventoryHeader + string.Concat(Enumerable.Range(0, count).Select(i => $"S{i:D5},MAIN,{qty},{qty + 1},1\n"));

    private void Hold(int count)
    {
        using var state = StateStore.Open(_temp.Path);
        state.ApplyToBaseline("inventory", [.. Enumerable.Range(0, count).Select(i =>
        {
            var row = Rows.Create(InventoryEntity.Schema, $"S{i:D5}", "MAIN", "5", "6", "1");
            return new BaselineChange(row.Key, RowFactory.PortalValues(InventoryEntity.Schema, row));
        })]);
    }

    private Dictionary<string, string> Baseline(string entity = "inventory")
    {
        using var state = StateStore.Open(_temp.Path);
        return state.LoadBaseline(entity).Entries().ToDictionary(StringComparer.Ordinal);
    }

    private List<string> VisibleOutbox() => [.. _temp.Files("outbox").Where(f => !f.StartsWith('.'))];

    private List<string> Parquet() => [.. _temp.Files("snapshots").Where(f => f.EndsWith(".parquet", StringComparison.Ordinal))];

    [Test]
    public async Task RunAsync_GoodDrop_PublishesSnapshotAdvancesBaselineAndMovesTheDrop()
    {
        Drop("inventory", "inventory_1.csv", Inventory(3));

        var summary = await RunAsync();

        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.Done));
        var result = summary.Entities.Single();
        Assert.That((result.Status, result.Read, result.Added, result.Batches, result.RecordsWritten), Is.EqualTo((EntityStatus.Done, 3L, 3L, 1, 3L)));
        Assert.That(VisibleOutbox(), Has.Count.EqualTo(1));
        Assert.That(_temp.Files("outbox"), Has.Count.EqualTo(1), "no temp file left");
        Assert.That(Parquet(), Is.EqualTo(new[] { $"inventory/date=2026-11-30/inventory_{summary.RunId}.parquet" }));
        Assert.That(Baseline(), Has.Count.EqualTo(3));
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[] { $"processed/{summary.RunId}/inventory_1.csv" }));
        Assert.That(File.Exists(_temp.Combine("reports", summary.RunId, "summary.json")), Is.True);
        Assert.That(summary.RunId, Does.Match(@"^20261130T020000Z-[0-9a-f]{6}$"));
    }

    [Test]
    public async Task RunAsync_MassRemoval_EntityStoppedNothingPublishedBaselineUntouched()
    {
        Hold(50);
        var before = Baseline();
        Drop("inventory", "inventory_1.csv", Inventory(30, qty: 9));

        var summary = await RunAsync();

        var result = summary.Entities.Single();
        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.PartlyFailed));
        Assert.That(result.Status, Is.EqualTo(EntityStatus.Stopped));
        Assert.That((result.Batches, result.RecordsWritten), Is.EqualTo((0, 0L)));
        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(Parquet(), Is.Empty);
        Assert.That(Baseline(), Is.EqualTo(before));
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[] { "failed/inventory_1.csv", "failed/inventory_1.csv.error.txt" }));
        Assert.That(File.ReadAllText(_temp.Combine("drop", "erp", "inventory", "failed", "inventory_1.csv.error.txt")), Does.Contain("--allow-mass-removal"));
    }

    [Test]
    public async Task RunAsync_MassRemovalWithAllowMassRemoval_Published()
    {
        Hold(50);
        Drop("inventory", "inventory_1.csv", Inventory(30, qty: 9));

        var summary = await RunAsync(new RunRequest { NoUpload = true, AllowMassRemoval = true });

        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.Done));
        Assert.That(summary.Entities.Single().Removed, Is.EqualTo(20));
        Assert.That(Baseline(), Has.Count.EqualTo(30));
        Assert.That(Baseline().Values.Select(v => EntityKey.Parts(v)[2]), Is.All.EqualTo("9"));
    }

    [Test]
    public async Task RunAsync_HeaderButNoRows_StoppedAndPortalNotEmptied()
    {
        Hold(3);
        Drop("inventory", "inventory_1.csv", InventoryHeader);

        var summary = await RunAsync();

        Assert.That(summary.Entities.Single().Status, Is.EqualTo(EntityStatus.Stopped));
        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(Baseline(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task RunAsync_HeaderButNoRowsWithAllowMassRemoval_DeletesSent()
    {
        Hold(3);
        Drop("inventory", "inventory_1.csv", InventoryHeader);

        var summary = await RunAsync(new RunRequest { NoUpload = true, AllowMassRemoval = true });

        Assert.That(summary.Entities.Single().Status, Is.EqualTo(EntityStatus.Done));
        Assert.That(VisibleOutbox(), Has.Count.EqualTo(1));
        Assert.That(Baseline(), Is.Empty);
    }

    [Test]
    public async Task RunAsync_TooManyInvalidRows_FileFailsNothingPublishedStewardReportWritten()
    {
        var csv = InventoryHeader + string.Concat(Enumerable.Range(0, 20).Select(i => $"S{i:D5},MAIN,{(i < 12 ? "x" : "5")},6,1\n"));
        Drop("inventory", "inventory_1.csv", csv);

        var summary = await RunAsync();

        Assert.That(summary.Entities.Single().Status, Is.EqualTo(EntityStatus.Failed));
        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.PartlyFailed));
        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(Baseline(), Is.Empty);
        Assert.That(File.Exists(_temp.Combine("reports", summary.RunId, "inventory.invalid.csv")), Is.True);
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory", "failed")), Does.Contain("inventory_1.csv.error.txt"));
    }

    [Test]
    public async Task RunAsync_BrokenFile_FailedWithLineAndOtherEntitiesGoOn()
    {
        Drop("inventory", "inventory_1.csv", InventoryHeader + "S1,MAIN,5,6,1\nS2,MAIN,5,6\n");
        Drop("items", "items_1.csv", ItemsHeader + "A-1,Bolt,EA,HW,0.25,Y\n");

        var summary = await RunAsync(null, "items", "inventory");

        Assert.That(summary.Entities.Select(e => (e.Entity, e.Status)), Is.EqualTo(new[] { ("items", EntityStatus.Done), ("inventory", EntityStatus.Failed) }));
        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.PartlyFailed));
        var reason = File.ReadAllText(_temp.Combine("drop", "erp", "inventory", "failed", "inventory_1.csv.error.txt"));
        Assert.That(reason, Does.Contain("inventory_1.csv, line 3"));
        Assert.That(VisibleOutbox(), Has.Count.EqualTo(1).And.All.Contains("_items_"));
        Assert.That(Parquet(), Has.Count.EqualTo(1).And.All.StartsWith("items/"));
    }

    [Test]
    public async Task RunAsync_SeveralDrops_NewestReadOlderMovedToProcessedAsSuperseded()
    {
        Drop("inventory", "inventory_1.csv", Inventory(1, qty: 1), TimeSpan.FromHours(2));
        Drop("inventory", "inventory_2.csv", Inventory(1, qty: 2), TimeSpan.FromHours(1));

        var summary = await RunAsync();

        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[]
        {
            $"processed/{summary.RunId}/inventory_1.csv",
            $"processed/{summary.RunId}/inventory_2.csv",
        }));
        Assert.That(EntityKey.Parts(Baseline().Values.Single())[2], Is.EqualTo("2"));
    }

    [Test]
    public async Task RunAsync_NoDrop_EntitySkipped()
    {
        var summary = await RunAsync();

        Assert.That(summary.Entities.Single().Status, Is.EqualTo(EntityStatus.Skipped));
        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.Done));
    }

    [Test]
    public async Task RunAsync_DropStillSettling_SkippedAndLeftInPlace()
    {
        Drop("inventory", "inventory_1.csv", Inventory(1), TimeSpan.Zero);

        var summary = await RunAsync();

        Assert.That(summary.Entities.Single().Status, Is.EqualTo(EntityStatus.Skipped));
        Assert.That(summary.Entities.Single().Reason, Does.Contain("still being written"));
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[] { "inventory_1.csv" }));
    }

    [Test]
    public async Task RunAsync_AnotherRunHoldsTheLock_Exit4NamingTheHolder()
    {
        using var held = RunLock.TryAcquire(_temp.Path, new RunLockHolder("intraday", "20261130T014500Z-aaaaaa", Now.AddMinutes(-15), 99), out _);
        Drop("inventory", "inventory_1.csv", Inventory(1));

        var summary = await RunAsync();

        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.Locked));
        Assert.That(summary.Notices.Single(), Does.Contain("intraday").And.Contain("20261130T014500Z-aaaaaa"));
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[] { "inventory_1.csv" }), "nothing was done");
        Assert.That(_temp.Files("outbox"), Is.Empty);
    }

    [Test]
    public async Task RunAsync_SecondRunSameDropAgain_NothingToSend()
    {
        Drop("inventory", "inventory_1.csv", Inventory(3));
        await RunAsync();
        Drop("inventory", "inventory_2.csv", Inventory(3));

        var second = await RunAsync();

        var result = second.Entities.Single();
        Assert.That((result.Unchanged, result.Added, result.Changed, result.Batches), Is.EqualTo((3L, 0L, 0L, 0)));
        Assert.That(VisibleOutbox(), Has.Count.EqualTo(1), "only the first run's payload");
    }

    [Test]
    public async Task RunAsync_NumberTooLargeForTheSnapshot_IsAnInvalidRecordOfItsEntity()
    {
        Drop("items", "items_1.csv", ItemsHeader + "A-1,Heavy,EA,HW,12345678901234567,Y\n");
        Drop("inventory", "inventory_1.csv", Inventory(1));

        var summary = await RunAsync(null, "items", "inventory");

        Assert.That(summary.Entities.Single(e => e.Entity == "inventory").Status, Is.EqualTo(EntityStatus.Done));
        var items = summary.Entities.Single(e => e.Entity == "items");
        Assert.That((items.Status, items.Invalid, items.RecordsWritten), Is.EqualTo((EntityStatus.Done, 1L, 0L)), "the number is invalid, not a crash");
    }
}
