using Etl.State;
using Etl.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Etl.Tests.State;

public sealed class StateStoreTests
{
    private const char Us = '\u001F';
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static Dictionary<string, string> Values(StateStore store, string entity) =>
        store.LoadBaseline(entity).ToDictionary(e => e.Key, e => e.Value.Values);

    [Test]
    public void Open_NewDataRoot_CreatesStateDatabase()
    {
        using (StateStore.Open(_temp.Path))
        {
        }

        Assert.That(File.Exists(_temp.Combine("state", "etl.db")), Is.True);
    }

    [Test]
    public void LoadBaseline_NothingApplied_Empty()
    {
        using var store = StateStore.Open(_temp.Path);

        Assert.That(store.LoadBaseline("inventory"), Is.Empty);
    }

    [Test]
    public void ApplyToBaseline_Upserts_RoundTripAfterReopen()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.ApplyToBaseline("inventory", [new BaselineChange($"A-1{Us}MAIN", $"A-1{Us}MAIN{Us}5"), new BaselineChange($"Ä-2{Us}MAIN", $"Ä-2{Us}MAIN{Us}0")]);
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Values(reopened, "inventory"), Is.EqualTo(new Dictionary<string, string>
        {
            [$"A-1{Us}MAIN"] = $"A-1{Us}MAIN{Us}5",
            [$"Ä-2{Us}MAIN"] = $"Ä-2{Us}MAIN{Us}0",
        }));
        Assert.That(reopened.LoadBaseline("inventory").Values.Select(e => e.Seen), Is.All.False);
    }

    [Test]
    public void ApplyToBaseline_SameKeyAgain_ValuesReplaced()
    {
        using var store = StateStore.Open(_temp.Path);
        store.ApplyToBaseline("costs", [new BaselineChange("A", "1")]);

        store.ApplyToBaseline("costs", [new BaselineChange("A", "2")]);

        Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "2" }));
    }

    [Test]
    public void ApplyToBaseline_Deletes_RemoveKeysAndIgnoreUnknownOnes()
    {
        using var store = StateStore.Open(_temp.Path);
        store.ApplyToBaseline("costs", [new BaselineChange("A", "1"), new BaselineChange("B", "2"), new BaselineChange("C", "3")]);

        store.ApplyToBaseline("costs", [new BaselineChange("B", null), new BaselineChange("Z", null), new BaselineChange("D", "4")]);

        Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3", ["D"] = "4" }));
    }

    [Test]
    public void ApplyToBaseline_UpsertThenDeleteInOneBatch_AppliedInOrder()
    {
        using var store = StateStore.Open(_temp.Path);

        store.ApplyToBaseline("costs", [new BaselineChange("A", "1"), new BaselineChange("A", null), new BaselineChange("B", null), new BaselineChange("B", "2")]);

        Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["B"] = "2" }));
    }

    [Test]
    public void ApplyToBaseline_KeysDifferingInCase_KeptApart()
    {
        using var store = StateStore.Open(_temp.Path);

        store.ApplyToBaseline("items", [new BaselineChange("a-1", "x"), new BaselineChange("A-1", "y")]);
        store.ApplyToBaseline("items", [new BaselineChange("a-1", null)]);

        Assert.That(Values(store, "items"), Is.EqualTo(new Dictionary<string, string> { ["A-1"] = "y" }));
    }

    [Test]
    public void ApplyToBaseline_OneEntity_OtherEntitiesUntouched()
    {
        using var store = StateStore.Open(_temp.Path);
        store.ApplyToBaseline("items", [new BaselineChange("A", "item")]);

        store.ApplyToBaseline("costs", [new BaselineChange("A", "cost")]);
        store.ApplyToBaseline("costs", [new BaselineChange("A", null)]);

        Assert.That(Values(store, "items"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "item" }));
        Assert.That(store.LoadBaseline("costs"), Is.Empty);
    }

    [Test]
    public void ApplyToBaseline_ManyChanges_AllStored()
    {
        using var store = StateStore.Open(_temp.Path);

        store.ApplyToBaseline("inventory", [.. Enumerable.Range(0, 20_000).Select(i => new BaselineChange($"S{i:D6}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);

        var baseline = store.LoadBaseline("inventory");
        Assert.That(baseline, Has.Count.EqualTo(20_000));
        Assert.That(baseline["S019999"].Values, Is.EqualTo("19999"));
    }

    [Test]
    public void RecordRun_StartedThenFinished_RowHoldsBoth()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.RecordRunStarted("20261130T020000Z-0a1b2c", "nightly", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero));
            store.RecordRunFinished("20261130T020000Z-0a1b2c", new DateTimeOffset(2026, 11, 30, 2, 5, 0, TimeSpan.Zero), 3, "{\"exit_code\": 3}");
        }

        using var connection = new SqliteConnection($"Data Source={_temp.Combine("state", "etl.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pipeline, started_at, finished_at, exit_code, summary FROM runs WHERE run_id = '20261130T020000Z-0a1b2c'";
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True);
        Assert.That(reader.GetString(0), Is.EqualTo("nightly"));
        Assert.That(DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero)));
        Assert.That(DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 2, 5, 0, TimeSpan.Zero)));
        Assert.That(reader.GetInt32(3), Is.EqualTo(3));
        Assert.That(reader.GetString(4), Is.EqualTo("{\"exit_code\": 3}"));
    }
}
