using System.Text.Json;
using Etl.Entities;
using Etl.Entities.Inventory;
using Etl.Outbound.Outbox;
using Etl.State;
using Etl.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Etl.Tests.Outbound.Outbox;

public sealed class StagedPayloadsTests
{
    private const string RunId = "20261130T020000Z-0a1b2c";
    private static readonly EntitySchema Schema = InventoryEntity.Schema;
    private TempFolder _temp = null!;
    private StateStore _state = null!;
    private FakeTimeProvider _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _state = StateStore.Open(_temp.Path);
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 2, 0, 5, 123, TimeSpan.Zero));
    }

    [TearDown]
    public void TearDown()
    {
        _state.Dispose();
        _temp.Dispose();
    }

    private string Outbox => _temp.Combine("outbox");

    private StagedPayloads Staged(int batchSize) => new(Outbox, Schema, RunId, new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), batchSize);

    private static ChangeRecord Upsert(string sku, int qty)
    {
        var row = Rows.Create(Schema, sku, "MAIN", qty.ToString(System.Globalization.CultureInfo.InvariantCulture), qty.ToString(System.Globalization.CultureInfo.InvariantCulture), "0");
        return new ChangeRecord(row.Key, row, RowFactory.PortalValues(Schema, row));
    }

    private static ChangeRecord Delete(string sku) => new(sku + EntityKey.Separator + "MAIN", null, null);

    [Test]
    public void Add_FullBatch_WrittenAtOnceUnderAHiddenTempName()
    {
        using var staged = Staged(2);

        staged.Add([Upsert("A", 1), Upsert("B", 2), Upsert("C", 3)]);

        Assert.That(staged.Batches, Is.EqualTo(1));
        Assert.That(staged.Records, Is.EqualTo(3));
        Assert.That(_temp.Files("outbox"), Is.EqualTo(new[] { $".inventory_{RunId}_000001.json.tmp" }));
    }

    [Test]
    public void Complete_PartialBatch_Written()
    {
        using var staged = Staged(2);
        staged.Add([Upsert("A", 1), Upsert("B", 2), Upsert("C", 3)]);

        staged.Complete();

        Assert.That(staged.Batches, Is.EqualTo(2));
        Assert.That(_temp.Files("outbox"), Has.Count.EqualTo(2).And.All.StartsWith(".").And.All.EndsWith(".tmp"));
    }

    [Test]
    public void Complete_NoRecords_NoPayload()
    {
        using var staged = Staged(2);

        staged.Complete();
        var published = staged.Publish(_clock);

        Assert.That(published, Is.Empty);
        Assert.That(_temp.Files("outbox"), Is.Empty);
    }

    [Test]
    public void Publish_RenamesInSequenceWithTheContractName()
    {
        using var staged = Staged(2);
        staged.Add([Upsert("A", 1), Upsert("B", 2), Upsert("C", 3)]);
        staged.Complete();

        var published = staged.Publish(_clock);

        Assert.That(published.Select(Path.GetFileName), Is.EqualTo(new[]
        {
            $"20261130T020005123Z_inventory_{RunId}_000001.json",
            $"20261130T020005123Z_inventory_{RunId}_000002.json",
        }));
        Assert.That(_temp.Files("outbox"), Is.EqualTo(published.Select(Path.GetFileName)));
    }

    [Test]
    public void Changes_EveryStagedRecordInOrder_ValuesOrNullForADelete()
    {
        using var staged = Staged(2);
        staged.Add([Upsert("A", 1), Upsert("B", 2), Delete("Z")]);
        staged.Complete();

        Assert.That(staged.Changes, Is.EqualTo(new[]
        {
            new BaselineChange("A" + EntityKey.Separator + "MAIN", Upsert("A", 1).Values),
            new BaselineChange("B" + EntityKey.Separator + "MAIN", Upsert("B", 2).Values),
            new BaselineChange("Z" + EntityKey.Separator + "MAIN", null),
        }));
    }

    [Test]
    public void Publish_OnlyRenames_BaselineUntouchedUntilTheCallerAdvancesIt()
    {
        _state.ApplyToBaseline(Schema.Name, [new BaselineChange("Z" + EntityKey.Separator + "MAIN", "old")]);
        using var staged = Staged(2);
        staged.Add([Upsert("A", 1), Delete("Z")]);
        staged.Complete();

        staged.Publish(_clock);

        Assert.That(_state.LoadBaseline(Schema.Name).Entries(), Is.EqualTo(new[] { KeyValuePair.Create("Z" + EntityKey.Separator + "MAIN", "old") }));
    }

    [Test]
    public void Publish_ThenAdvanceBaselineWithChangePages_UpsertsAndDeletesApplied()
    {
        _state.ApplyToBaseline(Schema.Name, [new BaselineChange("Z" + EntityKey.Separator + "MAIN", "old"), new BaselineChange("A" + EntityKey.Separator + "MAIN", "old")]);
        var loaded = _state.LoadBaseline(Schema.Name);
        using var staged = Staged(2);
        staged.Add([Upsert("A", 1), Upsert("B", 2), Delete("Z")]);
        staged.Complete();

        staged.Publish(_clock);
        _state.AdvanceBaseline(Schema.Name, loaded, staged.ChangePages);

        var baseline = _state.LoadBaseline(Schema.Name);
        Assert.That(baseline.Entries().Select(e => EntityKey.Display(e.Key)).Order(), Is.EqualTo(new[] { "A|MAIN", "B|MAIN" }));
        Assert.That(baseline.ValuesOf("A" + EntityKey.Separator + "MAIN"), Is.EqualTo(Upsert("A", 1).Values));
    }

    [Test]
    public void Publish_PayloadContent_BatchesInAddOrderWithSequenceInBatchId()
    {
        using var staged = Staged(2);
        staged.Add([Upsert("A", 1), Upsert("B", 2), Delete("C")]);
        staged.Complete();

        var published = staged.Publish(_clock);

        var docs = published.Select(p => JsonDocument.Parse(File.ReadAllBytes(p))).ToList();
        Assert.That(docs.Select(d => d.RootElement.GetProperty("batch_id").GetString()), Is.EqualTo(new[] { $"inventory-{RunId}-0001", $"inventory-{RunId}-0002" }));
        Assert.That(docs.Select(d => string.Join(",", d.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("op").GetString() + ":" + r.GetProperty("sku").GetString()))),
            Is.EqualTo(new[] { "upsert:A,upsert:B", "delete:C" }));
        Assert.That(docs.Select(d => d.RootElement.GetProperty("as_of").GetString()), Is.All.EqualTo("2026-11-30T01:00:00Z"));
        foreach (var doc in docs) doc.Dispose();
    }

    [Test]
    public void Dispose_BeforePublish_RemovesTheTempFilesAndLeavesTheBaseline()
    {
        var staged = Staged(1);
        staged.Add([Upsert("A", 1), Upsert("B", 2)]);
        staged.Complete();

        staged.Dispose();

        Assert.That(_temp.Files("outbox"), Is.Empty);
        Assert.That(_state.LoadBaseline(Schema.Name).Count, Is.Zero);
    }
}
