using System.Globalization;
using System.Text.RegularExpressions;
using Etl.Entities;
using Etl.Entities.Customers;
using Etl.Entities.FixedPrices;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Outbound;
using Etl.Outbound.Extract;
using Etl.Outbound.Outbox;
using Etl.Outbound.Snapshots;
using Etl.Runs;
using Etl.State;
using Etl.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using Snapshooter.NUnit;

namespace Etl.Tests.Outbound;

/// <summary>One entity's graph against a CSV in a temp data root, a real state database and its baseline.</summary>
public sealed partial class OutboundGraphTests
{
    private const string RunId = "20261130T020000Z-0a1b2c";
    private const string InventoryHeader = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\n";
    private static readonly DateTimeOffset RunStart = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTime DropWritten = new(2026, 11, 30, 1, 59, 58, 500, DateTimeKind.Utc);
    private static readonly Guards DefaultGuards = new(MaxBadRowPercent: 1, MinBadRowsToFail: 10, MaxRemovedPercent: 20, MinRemovedToStop: 10, AllowMassRemoval: false);
    private TempFolder _temp = null!;
    private StateStore _state = null!;
    private FakeTimeProvider _clock = null!;
    private readonly List<IDisposable> _payloads = [];
    private readonly List<SnapshotWriter> _snapshots = [];

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _state = StateStore.Open(_temp.Path);
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 2, 0, 5, 123, TimeSpan.Zero));
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var p in _payloads) p.Dispose();
        foreach (var s in _snapshots) await s.DisposeAsync();
        _payloads.Clear();
        _snapshots.Clear();
        _state.Dispose();
        _temp.Dispose();
    }

    [GeneratedRegex(@"^\d{8}T\d{9}Z_inventory_20261130T020000Z-0a1b2c_\d{6}\.json$")]
    private static partial Regex InventoryPayloadName();

    private string Drop(EntitySchema schema, string csv)
    {
        var path = _temp.Write(Path.Combine("drop", "erp", schema.Name, schema.Name + "_1.csv"), csv);
        File.SetLastWriteTimeUtc(path, DropWritten);
        return path;
    }

    private void Hold(EntitySchema schema, params string?[][] rows) =>
        _state.ApplyToBaseline(schema.Name, [.. rows.Select(r => Rows.Create(schema, r)).Select(r => new BaselineChange(r.Key, RowFactory.PortalValues(schema, r)))]);

    private sealed record Ran(EntitySchema Schema, OutboundGraph Graph, StagedPayloads Payloads, SnapshotWriter Snapshot, Baseline Baseline);

    private async Task<Ran> RunAsync(EntitySchema schema, string drop, int batchSize = 1000, Guards? guards = null, bool fullResync = false)
    {
        var baseline = _state.LoadBaseline(schema.Name);
        var job = new EntityJob(schema, new CsvDropSource(schema, drop), RunId, RunStart, batchSize, new Dictionary<string, decimal>(), guards ?? DefaultGuards, fullResync);
        var graph = new OutboundGraph(job, Task.FromResult(baseline), _temp.Path);
        var (payloads, snapshot) = await graph.RunAsync(CancellationToken.None);
        _payloads.Add(payloads);
        _snapshots.Add(snapshot);
        return new Ran(schema, graph, payloads, snapshot, baseline);
    }

    /// <summary>Publishes the payloads, then advances the baseline with them, as RunEngine does.</summary>
    private List<string> Publish(Ran ran)
    {
        var published = ran.Payloads.Publish(_clock);
        _state.AdvanceBaseline(ran.Schema.Name, ran.Baseline, ran.Payloads.ChangePages);
        return published;
    }

    private Dictionary<string, string> Held(string entity) => _state.LoadBaseline(entity).Entries().ToDictionary(StringComparer.Ordinal);

    private List<string> VisibleOutbox() => [.. _temp.Files("outbox").Where(f => !f.StartsWith('.'))];

    private static string Inventory(int from, int count, int qty = 5) =>
        InventoryHeader + string.Concat(Enumerable.Range(from, count).Select(i => $"S{i:D5},MAIN,{qty},{qty + 1},1\n"));

    private static JArray Snapshots(IEnumerable<string> published) => new([.. published.Select(PayloadJson.ForSnapshot)]);

    [Test]
    public async Task RunAsync_BeforePublish_PayloadsAndSnapshotHidden()
    {
        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 5)), batchSize: 2);

        var outbox = _temp.Files("outbox");
        Assert.That(outbox, Has.Count.EqualTo(3));
        Assert.That(outbox, Is.All.StartsWith(".").And.All.EndsWith(".tmp"));
        Assert.That(VisibleOutbox(), Is.Empty);
        Assert.That(File.Exists(ran.Snapshot.Path), Is.False);
        Assert.That(_temp.Files("snapshots"), Is.All.Contains("/.").And.All.EndsWith(".tmp"));
        Assert.That(Held("inventory"), Is.Empty, "nothing reaches the baseline before publish");
        Assert.That(ran.Payloads.Changes.Select(c => EntityKey.Display(c.Key)), Is.EqualTo(new[] { "S00000|MAIN", "S00001|MAIN", "S00002|MAIN", "S00003|MAIN", "S00004|MAIN" }),
            "the run's changes wait with the staged payloads until they are stored");
        Assert.That(ran.Baseline.Count, Is.Zero, "the baseline in memory is left as it was loaded");
    }

    [Test]
    public async Task Publish_FileNamesMatchTheContract()
    {
        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 5)), batchSize: 2);

        var published = Publish(ran);

        Assert.That(published.Select(Path.GetFileName), Is.All.Matches(InventoryPayloadName()));
        Assert.That(published.Select(Path.GetFileName), Is.EqualTo(new[]
        {
            "20261130T020005123Z_inventory_20261130T020000Z-0a1b2c_000001.json",
            "20261130T020005123Z_inventory_20261130T020000Z-0a1b2c_000002.json",
            "20261130T020005123Z_inventory_20261130T020000Z-0a1b2c_000003.json",
        }));
        Assert.That(_temp.Files("outbox"), Is.EqualTo(published.Select(Path.GetFileName)), "no temp file is left behind");
    }

    [Test]
    public async Task Publish_BatchSize_SplitsRecordsAcrossFiles()
    {
        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 5)), batchSize: 2);

        var published = Publish(ran);

        var counts = published.Select(p => ((JArray)PayloadJson.Parse(File.ReadAllText(p))["records"]!).Count);
        Assert.That(counts, Is.EqualTo(new[] { 2, 2, 1 }));
        var skus = published.SelectMany(p => PayloadJson.Parse(File.ReadAllText(p))["records"]!.Select(r => (string)r["sku"]!));
        Assert.That(skus, Is.EqualTo(new[] { "S00000", "S00001", "S00002", "S00003", "S00004" }));
        Assert.That(ran.Payloads.Records, Is.EqualTo(5));
    }

    [Test]
    public async Task Publish_AsOfIsTheDropsLastWriteInUtcToTheSecond()
    {
        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 1)));

        var published = Publish(ran);

        var payload = PayloadJson.Parse(File.ReadAllText(published.Single()));
        Assert.That((string)payload["as_of"]!, Is.EqualTo("2026-11-30T01:59:58Z"));
        Assert.That((string)payload["run_id"]!, Is.EqualTo(RunId));
        Assert.That((string)payload["batch_id"]!, Is.EqualTo($"inventory-{RunId}-0001"));
    }

    [Test]
    public async Task Publish_BaselineEqualsWhatWasPublished_SecondRunFindsNothingToSend()
    {
        Hold(InventoryEntity.Schema, ["S00000", "MAIN", "1", "1", "0"], ["S00001", "MAIN", "5", "6", "1"], ["GONE", "MAIN", "3", "3", "0"]);
        var drop = Drop(InventoryEntity.Schema, Inventory(0, 4));
        var first = await RunAsync(InventoryEntity.Schema, drop, batchSize: 2);
        Publish(first);

        var baseline = _state.LoadBaseline("inventory");
        var second = await RunAsync(InventoryEntity.Schema, drop, batchSize: 2);

        Assert.That(baseline.Entries().Select(e => EntityKey.Display(e.Key)).Order(), Is.EqualTo(new[] { "S00000|MAIN", "S00001|MAIN", "S00002|MAIN", "S00003|MAIN" }));
        Assert.That(baseline.Entries().Select(e => EntityKey.Parts(e.Value)[2]), Is.All.EqualTo("5"));
        Assert.That(first.Graph.Result.Added, Is.EqualTo(2));
        Assert.That(first.Graph.Result.Changed, Is.EqualTo(1));
        Assert.That(first.Graph.Result.Unchanged, Is.EqualTo(1));
        Assert.That(first.Graph.Result.Removed, Is.EqualTo(1));
        Assert.That(second.Graph.Result.Unchanged, Is.EqualTo(4));
        Assert.That(second.Graph.Result.Added + second.Graph.Result.Changed + second.Graph.Result.Removed, Is.Zero);
        Assert.That(second.Payloads.Batches, Is.Zero);
    }

    [Test]
    public async Task RunAsync_NoChanges_NoPayloadButSnapshotWritten()
    {
        Hold(InventoryEntity.Schema, ["S00000", "MAIN", "5", "6", "1"]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 1)));
        var published = Publish(ran);
        ran.Snapshot.Publish();

        Assert.That(published, Is.Empty);
        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(File.Exists(ran.Snapshot.Path), Is.True);
        Assert.That(ran.Snapshot.Path, Is.EqualTo(_temp.Combine("snapshots", "inventory", "date=2026-11-30", $"inventory_{RunId}.parquet")));
    }

    [Test]
    public async Task RunAsync_MoreRowsThanOneChunk_AllRowsInOrderAcrossBatches()
    {
        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 10_000)), batchSize: 3000);

        var published = Publish(ran);
        ran.Snapshot.Publish();

        var skus = published.SelectMany(p => PayloadJson.Parse(File.ReadAllText(p))["records"]!.Select(r => (string)r["sku"]!)).ToList();
        Assert.That(published, Has.Count.EqualTo(4));
        Assert.That(skus, Has.Count.EqualTo(10_000));
        Assert.That(skus, Is.Ordered.Ascending.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(ran.Graph.Result.Read, Is.EqualTo(10_000));
        Assert.That(_state.LoadBaseline("inventory").Count, Is.EqualTo(10_000));
        Assert.That((await ParquetFile.ReadAsync(ran.Snapshot.Path)).Rows, Is.EqualTo(10_000));
    }

    [Test]
    public async Task RunAsync_InvalidRows_CountedReportedAndNeverStaged()
    {
        Hold(InventoryEntity.Schema, ["S00001", "MAIN", "1", "1", "0"]);
        var csv = InventoryHeader + "S00000,MAIN,5,6,1\nS00001,MAIN,9,6,1\nS00002,MAIN,x,6,1\nS00003,MAIN,1,1,0\nS00003,MAIN,2,2,0\n";

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, csv));
        var published = Publish(ran);

        var r = ran.Graph.Result;
        Assert.That((r.Read, r.Added, r.Changed, r.Unchanged, r.Invalid, r.Removed), Is.EqualTo((5L, 1L, 0L, 0L, 4L, 0L)));
        Assert.That(r.InvalidRecords.Select(i => $"{i.File}:{i.Line}:{i.Key}:{i.Field}:{i.Value}:{i.Rule}"), Is.EqualTo(new[]
        {
            "inventory_1.csv:3:S00001|MAIN:qty_available:9:qty_balance",
            "inventory_1.csv:4:S00002|MAIN:qty_available:x:conversion",
            "inventory_1.csv:5:S00003|MAIN:sku|warehouse:S00003|MAIN:duplicate_key",
            "inventory_1.csv:6:S00003|MAIN:sku|warehouse:S00003|MAIN:duplicate_key",
        }));
        var sent = published.SelectMany(p => PayloadJson.Parse(File.ReadAllText(p))["records"]!.Select(x => (string)x["sku"]!));
        Assert.That(sent, Is.EqualTo(new[] { "S00000" }));
        Assert.That(Held("inventory").Keys.Select(EntityKey.Display).Order(), Is.EqualTo(new[] { "S00000|MAIN", "S00001|MAIN" }));
    }

    [Test]
    public async Task RunAsync_KeyRepeatedInALaterChunk_AllItsRowsInvalidKeyKeptAndTheFirstPassDiscarded()
    {
        // The repeat is noticed only in the second chunk, after its first row was classified: the graph reads the drop again.
        Hold(InventoryEntity.Schema, ["S00001", "MAIN", "1", "1", "0"], ["GONE", "MAIN", "1", "1", "0"]);
        var csv = Inventory(0, 20_000) + "S00001,MAIN,7,8,1\n";

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, csv), batchSize: 5000);

        var r = ran.Graph.Result;
        Assert.That((r.Read, r.Added, r.Changed, r.Unchanged, r.Invalid, r.Removed), Is.EqualTo((20_001L, 19_999L, 0L, 0L, 2L, 1L)));
        Assert.That(r.InvalidRecords.Select(i => $"{i.Line}:{i.Key}:{i.Rule}"), Is.EqualTo(new[] { "3:S00001|MAIN:duplicate_key", "20002:S00001|MAIN:duplicate_key" }));
        Assert.That(_temp.Files("outbox"), Has.Count.EqualTo(4), "19,999 upserts and 1 delete in batches of 5000; nothing left of the first pass");
        Assert.That(_temp.Files("snapshots"), Has.Count.EqualTo(1));

        var published = Publish(ran);
        ran.Snapshot.Publish();

        var sent = published.SelectMany(p => PayloadJson.Parse(File.ReadAllText(p))["records"]!).Select(x => $"{x["op"]}:{x["sku"]}").ToList();
        Assert.That(sent, Has.Count.EqualTo(20_000));
        Assert.That(sent, Does.Not.Contain("upsert:S00001"));
        Assert.That(sent[^1], Is.EqualTo("delete:GONE"));
        var held = Held("inventory");
        Assert.That(held, Has.Count.EqualTo(20_000));
        Assert.That(held[DiffRun.Key("S00001", "MAIN")], Is.EqualTo(DiffRun.Key("S00001", "MAIN", "1")), "the portal keeps what it had for the repeated key");
        var file = await ParquetFile.ReadAsync(ran.Snapshot.Path);
        Assert.That(file.Rows, Is.EqualTo(20_001));
        Assert.That(file.Columns["is_valid"].Count(v => v is false), Is.EqualTo(2));
    }

    [Test]
    public async Task RunAsync_SharedPortalAccount_BothCustomersReportedOthersSent()
    {
        var csv = "customer_no,name,portal_account_id,approved,price_list,discount_group\n" +
                  "C-1,A,P-1,Y,,\nC-2,B,P-2,Y,,\nC-3,C, P-1 ,Y,,\nC-4,D,,Y,,\nC-5,E,,Y,,\n";

        var ran = await RunAsync(CustomersEntity.Schema, Drop(CustomersEntity.Schema, csv));
        var published = Publish(ran);

        Assert.That(ran.Graph.Result.InvalidRecords.Select(i => $"{i.Line}:{i.Key}:{i.Field}:{i.Value}:{i.Rule}"), Is.EqualTo(new[]
        {
            "2:C-1:portal_account_id:P-1:duplicate_portal_account_id",
            "4:C-3:portal_account_id:P-1:duplicate_portal_account_id",
        }));
        var sent = published.SelectMany(p => PayloadJson.Parse(File.ReadAllText(p))["records"]!).Select(x => (string)x["customer_no"]!);
        Assert.That(sent, Is.EqualTo(new[] { "C-2", "C-4", "C-5" }));
        Assert.That(Held("customers").Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "C-2", "C-4", "C-5" }));
    }

    [Test]
    public async Task RunAsync_FullResync_UnchangedValidRowsSent()
    {
        Hold(InventoryEntity.Schema, ["S00000", "MAIN", "5", "6", "1"], ["S00001", "MAIN", "5", "6", "1"], ["OLD", "MAIN", "1", "1", "0"]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 2)), fullResync: true);
        var published = Publish(ran);

        var records = published.SelectMany(p => PayloadJson.Parse(File.ReadAllText(p))["records"]!).Select(x => $"{x["op"]}:{x["sku"]}");
        Assert.That(records, Is.EqualTo(new[] { "upsert:S00000", "upsert:S00001", "delete:OLD" }));
    }

    [Test]
    public async Task RunAsync_BrokenFile_ThrowsAndLeavesNothingBehind()
    {
        var drop = Drop(InventoryEntity.Schema, InventoryHeader + "S00000,MAIN,5,6,1\nS00001,MAIN,5,6\n");
        var baseline = _state.LoadBaseline("inventory");
        var job = new EntityJob(InventoryEntity.Schema, new CsvDropSource(InventoryEntity.Schema, drop), RunId, RunStart, 1000, new Dictionary<string, decimal>(), DefaultGuards, false);

        var e = Assert.ThrowsAsync<DropFileException>(() => new OutboundGraph(job, Task.FromResult(baseline), _temp.Path).RunAsync(CancellationToken.None));

        Assert.That(e!.Line, Is.EqualTo(3));
        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(_temp.Files("snapshots"), Is.Empty);
    }

    [Test]
    public async Task Publish_Snapshot_ConvertedRowsWithIsValidAndNotConvertedRowsLeftOut()
    {
        Hold(InventoryEntity.Schema, ["S00001", "MAIN", "1", "1", "0"]);
        var csv = InventoryHeader + "S00000,MAIN,5,6,1\nS00001,MAIN,9,6,1\nS00002,MAIN,x,6,1\nS00003,MAIN,1,1,0\nS00003,MAIN,2,2,0\nS00004,MAIN,4,4,0\n";

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, csv));
        ran.Snapshot.Publish();

        var file = await ParquetFile.ReadAsync(ran.Snapshot.Path);
        Assert.That(file.Columns["sku"], Is.EqualTo(new object?[] { "S00000", "S00001", "S00003", "S00003", "S00004" }));
        Assert.That(file.Columns["is_valid"], Is.EqualTo(new object?[] { true, false, false, false, true }));
        Assert.That(file.Columns["qty_available"], Is.EqualTo(new object?[] { 5L, 9L, 1L, 2L, 4L }));
        Assert.That(ran.Snapshot.Rows, Is.EqualTo(5));
    }

    // ---- guards ----

    [Test]
    public async Task GuardViolation_TooManyInvalidRows_FileFails()
    {
        var csv = InventoryHeader + string.Concat(Enumerable.Range(0, 20).Select(i => $"S{i:D5},MAIN,{(i < 3 ? "x" : "5")},6,1\n"));
        var guards = DefaultGuards with { MaxBadRowPercent = 10, MinBadRowsToFail = 3 };

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, csv), guards: guards);

        var violation = ran.Graph.GuardViolation();
        Assert.That(violation, Is.Not.Null);
        Assert.That(violation!.Value.Status, Is.EqualTo(EntityStatus.Failed));
        Assert.That(violation.Value.Reason, Does.Contain("inventory_1.csv").And.Contain("3 of 20"));
    }

    [TestCase(2, 10, 1, TestName = "GuardViolation_InvalidRowsAtThePercent_Passes")]
    [TestCase(3, 10, 4, TestName = "GuardViolation_InvalidRowsAboveThePercentButBelowTheMinimum_Passes")]
    public async Task GuardViolation_FewInvalidRows_Passes(int invalid, int maxPercent, int minRows)
    {
        var csv = InventoryHeader + string.Concat(Enumerable.Range(0, 20).Select(i => $"S{i:D5},MAIN,{(i < invalid ? "x" : "5")},6,1\n"));
        var guards = DefaultGuards with { MaxBadRowPercent = maxPercent, MinBadRowsToFail = minRows };

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, csv), guards: guards);

        Assert.That(ran.Graph.Result.Invalid, Is.EqualTo(invalid));
        Assert.That(ran.Graph.GuardViolation(), Is.Null);
    }

    [Test]
    public async Task GuardViolation_HeaderButNoRows_EntityStops()
    {
        Hold(InventoryEntity.Schema, ["S00000", "MAIN", "5", "6", "1"]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, InventoryHeader));

        var violation = ran.Graph.GuardViolation();
        Assert.That(violation?.Status, Is.EqualTo(EntityStatus.Stopped));
        Assert.That(violation!.Value.Reason, Does.Contain("no rows").And.Contain("--allow-mass-removal"));
    }

    [Test]
    public async Task GuardViolation_HeaderButNoRowsWithAllowMassRemoval_Passes()
    {
        Hold(InventoryEntity.Schema, ["S00000", "MAIN", "5", "6", "1"]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, InventoryHeader), guards: DefaultGuards with { AllowMassRemoval = true });

        Assert.That(ran.Graph.GuardViolation(), Is.Null);
        var published = Publish(ran);
        Assert.That(published, Has.Count.EqualTo(1));
        Assert.That(Held("inventory"), Is.Empty);
    }

    [Test]
    public async Task GuardViolation_MassRemoval_EntityStops()
    {
        Hold(InventoryEntity.Schema, [.. Enumerable.Range(0, 50).Select(i => new string?[] { $"S{i:D5}", "MAIN", "5", "6", "1" })]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 30)));

        var violation = ran.Graph.GuardViolation();
        Assert.That(ran.Graph.Result.Removed, Is.EqualTo(20));
        Assert.That(violation?.Status, Is.EqualTo(EntityStatus.Stopped));
        Assert.That(violation!.Value.Reason, Does.Contain("20 of the 50").And.Contain("--allow-mass-removal"));
    }

    [Test]
    public async Task GuardViolation_MassRemovalWithAllowMassRemoval_Passes()
    {
        Hold(InventoryEntity.Schema, [.. Enumerable.Range(0, 50).Select(i => new string?[] { $"S{i:D5}", "MAIN", "5", "6", "1" })]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 30)), guards: DefaultGuards with { AllowMassRemoval = true });

        Assert.That(ran.Graph.GuardViolation(), Is.Null);
        Publish(ran);
        Assert.That(_state.LoadBaseline("inventory").Count, Is.EqualTo(30));
    }

    [TestCase(50, 40, TestName = "GuardViolation_RemovalAtThePercent_Passes")]
    [TestCase(10, 2, TestName = "GuardViolation_RemovalAboveThePercentButBelowTheMinimum_Passes")]
    public async Task GuardViolation_SmallRemoval_Passes(int held, int kept)
    {
        Hold(InventoryEntity.Schema, [.. Enumerable.Range(0, held).Select(i => new string?[] { $"S{i:D5}", "MAIN", "5", "6", "1" })]);

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, kept)));

        Assert.That(ran.Graph.Result.Removed, Is.EqualTo(held - kept));
        Assert.That(ran.Graph.GuardViolation(), Is.Null);
    }

    [Test]
    public async Task GuardViolation_Stopped_NothingPublishedOnceDisposedAndBaselineUntouched()
    {
        Hold(InventoryEntity.Schema, [.. Enumerable.Range(0, 50).Select(i => new string?[] { $"S{i:D5}", "MAIN", "5", "6", "1" })]);
        var before = Held("inventory");

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, Inventory(0, 30, qty: 7)));
        Assert.That(ran.Graph.GuardViolation(), Is.Not.Null);
        ran.Payloads.Dispose();
        await ran.Snapshot.DisposeAsync();

        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(_temp.Files("snapshots").Where(f => f.EndsWith(".parquet", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty);
        Assert.That(Held("inventory"), Is.EqualTo(before));
    }

    // ---- payload content (snapshots) ----

    [Test]
    public async Task Publish_InventoryUpsertsAndDeletes_PayloadContent()
    {
        Hold(InventoryEntity.Schema, ["A-1", "MAIN", "5", "6", "1"], ["B-2", "MAIN", "5", "6", "1"], ["Z-9", "EAST", "1", "1", "0"]);
        var csv = InventoryHeader + "A-1,MAIN,5,9,4\nB-2,MAIN,7,8,1\n C-3 , EAST ,0,2,2\n";

        var ran = await RunAsync(InventoryEntity.Schema, Drop(InventoryEntity.Schema, csv), batchSize: 2);
        var published = Publish(ran);

        Snapshot.Match(Snapshots(published));
    }

    [Test]
    public async Task Publish_Items_PayloadContent()
    {
        var csv = "sku,description,uom,product_class,weight_kg,active\n" +
                  "A-1,\"  Bolt, 5\"\" long\",EA,HW,0.2500,Y\n" +
                  "A-2,12\" pipe,EA,PIPE,12.50,n\n" +
                  "A-3,\"two\nlines\",BOX,HW,100.00,TRUE\n" +
                  "A-4,Bad weight,EA,HW,-1,Y\n";

        var ran = await RunAsync(ItemsEntity.Schema, Drop(ItemsEntity.Schema, csv));
        var published = Publish(ran);

        Assert.That(File.ReadAllText(published.Single()), Does.Contain("\"weight_kg\": 12.5,").And.Contain("\"weight_kg\": 100,"));
        Snapshot.Match(Snapshots(published));
    }

    [Test]
    public async Task Publish_FixedPrices_PayloadContent()
    {
        var csv = "customer_no,sku,currency,fixed_price,valid_from,valid_to\n" +
                  "C-1,A-1,EUR,9.9900,2026-01-01,2026-06-30\n" +
                  "C-1,A-2,EUR,1.5,2026-02-01,\n" +
                  "C-2,A-1,USD,10,2026-01-01,2025-12-31\n";

        var ran = await RunAsync(FixedPricesEntity.Schema, Drop(FixedPricesEntity.Schema, csv));
        var published = Publish(ran);

        Snapshot.Match(Snapshots(published));
    }

    [Test]
    public async Task Publish_Customers_PayloadContent()
    {
        var csv = "customer_no,name,portal_account_id,approved,price_list,discount_group\n" +
                  "C-1,\"Acme, Inc.\",P-1,Y,RETAIL,G1\n" +
                  "C-2,Bolt Co,,0,,\n" +
                  "C-3,Copy Co,P-3,1,RETAIL,\n" +
                  "C-4,Copy Co 2,P-3,1,RETAIL,\n";

        var ran = await RunAsync(CustomersEntity.Schema, Drop(CustomersEntity.Schema, csv));
        var published = Publish(ran);

        Assert.That(ran.Graph.Result.Invalid, Is.EqualTo(2));
        Snapshot.Match(Snapshots(published));
    }
}
