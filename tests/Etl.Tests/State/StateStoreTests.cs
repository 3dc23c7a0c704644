using System.Globalization;
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

    private static Dictionary<string, string> Values(StateStore store, string entity) => Values(store.LoadBaseline(entity));

    private static Dictionary<string, string> Values(Baseline baseline) => baseline.Entries().ToDictionary(StringComparer.Ordinal);

    private string Database => _temp.Combine("state", "etl.db");

    /// <summary>Runs a query on state/etl.db with a connection of its own; returns the first column of each row.</summary>
    private List<object?> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<object?>();
        while (reader.Read()) result.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        return result;
    }

    private long Scalar(string sql) => Convert.ToInt64(Query(sql).Single(), CultureInfo.InvariantCulture);

    [Test]
    public void Open_NewDataRoot_CreatesStateDatabase()
    {
        using (StateStore.Open(_temp.Path))
        {
        }

        Assert.That(File.Exists(Database), Is.True);
        Assert.That(Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'baseline%' ORDER BY name"),
            Is.EqualTo(new[] { "baseline_index", "baseline_journal", "baseline_pages" }));
    }

    [TestCase("state store")]
    [TestCase("order ledger")]
    [TestCase("delivery ledger")]
    public void Open_NewDataRootByAnyOfItsUsers_LargePagesInWalMode(string opener)
    {
        IDisposable opened = opener switch
        {
            "state store" => StateStore.Open(_temp.Path),
            "order ledger" => OrderLedger.Open(_temp.Path),
            _ => Etl.Delivery.DeliveryLedger.Open(_temp.Path, "portal"),
        };
        opened.Dispose();

        Assert.That(Scalar("PRAGMA page_size"), Is.EqualTo(65536), "the baseline's blobs are read page by page");
        Assert.That(Query("PRAGMA journal_mode").Single(), Is.EqualTo("wal"));
    }

    [Test]
    public void Open_DatabaseWithSmallPages_KeepsThemAndItsBaseline()
    {
        Directory.CreateDirectory(_temp.Combine("state"));
        Query("PRAGMA page_size = 4096; CREATE TABLE older (x);");
        using (var store = StateStore.Open(_temp.Path))
        {
            store.AdvanceBaseline("inventory", Baseline.From([new("A", "1"), new("B", "2")]));
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Scalar("PRAGMA page_size"), Is.EqualTo(4096));
        Assert.That(Values(reopened, "inventory"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }));
    }

    [Test]
    public void LoadBaseline_NothingApplied_Empty()
    {
        using var store = StateStore.Open(_temp.Path);

        var baseline = store.LoadBaseline("inventory");

        Assert.That(baseline.Count, Is.Zero);
        Assert.That(baseline.Entries(), Is.Empty);
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
        Assert.That(reopened.LoadBaseline("inventory").UnseenKeys().Count(), Is.EqualTo(2), "a loaded baseline has no key marked seen");
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
        Assert.That(store.LoadBaseline("costs").Count, Is.EqualTo(3));
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
        Assert.That(store.LoadBaseline("costs").Count, Is.Zero);
    }

    [Test]
    public void ApplyToBaseline_ManyChanges_AllStored()
    {
        using var store = StateStore.Open(_temp.Path);

        store.ApplyToBaseline("inventory", [.. Enumerable.Range(0, 20_000).Select(i => new BaselineChange($"S{i:D6}", i.ToString(CultureInfo.InvariantCulture)))]);

        var baseline = store.LoadBaseline("inventory");
        Assert.That(baseline.Count, Is.EqualTo(20_000));
        Assert.That(baseline.ValuesOf("S019999"), Is.EqualTo("19999"));
    }

    [Test]
    public void ForgetBaseline_KeysHeldAsUnknownAfterReopen()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.ApplyToBaseline("costs", [new BaselineChange("A", "1"), new BaselineChange("B", "2")]);
            store.ForgetBaseline("costs", ["A", "N"]);
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Values(reopened, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = StateStore.UnknownValues, ["B"] = "2", ["N"] = StateStore.UnknownValues }));
    }

    // ---- pages and journal ----

    [Test]
    public void AdvanceBaseline_RunChanges_RoundTripAfterReopenFromPagesWithTheJournalCleared()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.ApplyToBaseline("inventory", [new BaselineChange($"A{Us}MAIN", "a"), new BaselineChange($"B{Us}MAIN", "b"), new BaselineChange($"C{Us}MAIN", "c")]);
            var baseline = store.LoadBaseline("inventory");

            store.AdvanceBaseline("inventory", baseline.Apply(
                [new BaselineChange($"A{Us}MAIN", "a2"), new BaselineChange($"B{Us}MAIN", null), new BaselineChange($"Ä{Us}MAIN", "ä"), new BaselineChange($"C{Us}MAIN", StateStore.UnknownValues)]));

            Assert.That(Values(baseline), Is.EqualTo(new Dictionary<string, string>
            {
                [$"A{Us}MAIN"] = "a2", [$"C{Us}MAIN"] = StateStore.UnknownValues, [$"Ä{Us}MAIN"] = "ä",
            }), "the baseline in memory is advanced too");
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Values(reopened, "inventory"), Is.EqualTo(new Dictionary<string, string>
        {
            [$"A{Us}MAIN"] = "a2", [$"C{Us}MAIN"] = StateStore.UnknownValues, [$"Ä{Us}MAIN"] = "ä",
        }));
        Assert.That(reopened.LoadBaseline("inventory").Count, Is.EqualTo(3));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.Zero, "the journal entries were folded into the pages");
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'inventory'"), Is.EqualTo(1));
    }

    [Test]
    public void AdvanceBaseline_TwoRuns_SecondAddsItsChangesAsAPage()
    {
        using var store = StateStore.Open(_temp.Path);
        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("A", "1"), new BaselineChange("B", "2")]));

        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("B", null), new BaselineChange("C", "3")]));

        Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3" }));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'costs'"), Is.EqualTo(2), "the first run's page, then the second's changes (B's tombstone, C)");
    }

    [Test]
    public void AdvanceBaseline_SmallChanges_OnlyTheChangesWrittenUntilTheyOutweighTheKeys()
    {
        using var store = StateStore.Open(_temp.Path);
        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([.. Enumerable.Range(0, 1000).Select(i => new BaselineChange($"K{i:D4}", "100"))]));
        var full = Scalar("SELECT SUM(length(bytes)) FROM baseline_pages WHERE entity = 'costs'");

        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([.. Enumerable.Range(0, 50).Select(i => new BaselineChange($"K{i:D4}", "200"))]));

        Assert.That(Scalar("SELECT SUM(length(bytes)) FROM baseline_pages WHERE entity = 'costs'"), Is.LessThan(full * 11 / 10), "5% changed: only they are added");
        for (var run = 0; run < 30; run++)
        {
            store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([.. Enumerable.Range(run * 30, 100).Select(i => new BaselineChange($"K{i % 1000:D4}", $"{run}"))]));
            Assert.That(Scalar("SELECT SUM(length(bytes)) FROM baseline_pages WHERE entity = 'costs'"), Is.LessThanOrEqualTo(full * 2 + 2000), $"run {run}: the pages are written afresh before the changes outweigh the keys");
        }
        var expected = Enumerable.Range(0, 1000).ToDictionary(i => $"K{i:D4}", i => i < 50 ? "200" : "100");
        for (var run = 0; run < 30; run++)
        {
            foreach (var i in Enumerable.Range(run * 30, 100)) expected[$"K{i % 1000:D4}"] = $"{run}";
        }
        using var reopened = StateStore.Open(_temp.Path);
        Assert.That(Values(reopened, "costs"), Is.EqualTo(expected));
    }

    [Test]
    public void AdvanceBaseline_IndexWrittenWithEachFullSetAndKeptWhileChangesAreAdded()
    {
        using var store = StateStore.Open(_temp.Path);
        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([.. Enumerable.Range(0, 1000).Select(i => new BaselineChange($"K{i:D4}", "100"))]));
        var first = Query("SELECT slots FROM baseline_index WHERE entity = 'costs'").Single();

        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("K0001", null), new BaselineChange("N1", "1")]));
        Assert.That(Query("SELECT slots FROM baseline_index WHERE entity = 'costs'").Single(), Is.EqualTo(first), "changes added as a page: the full set's index stays");
        Assert.That(Scalar("SELECT pages FROM baseline_index WHERE entity = 'costs'"), Is.EqualTo(1));

        store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([.. Enumerable.Range(0, 1000).Select(i => new BaselineChange($"K{i:D4}", null))]));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_index WHERE entity = 'costs'"), Is.EqualTo(1));
        Assert.That(Query("SELECT slots FROM baseline_index WHERE entity = 'costs'").Single(), Is.Not.EqualTo(first), "written afresh with the new full set");

        using var reopened = StateStore.Open(_temp.Path);
        Assert.That(Values(reopened, "costs"), Is.EqualTo(new Dictionary<string, string> { ["N1"] = "1" }));
    }

    [Test]
    public void AdvanceBaseline_EverythingRemoved_EmptyAfterReopen()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("A", "1")]));
            store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("A", null)]));
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(reopened.LoadBaseline("costs").Count, Is.Zero);
        Assert.That(reopened.LoadBaseline("costs").Entries(), Is.Empty);
    }

    [Test]
    public void LoadBaseline_JournalAfterPages_AppliedInOrderOnLoad()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("A", "1"), new BaselineChange("B", "2"), new BaselineChange("C", "3")]));
            store.ApplyToBaseline("costs", [new BaselineChange("A", "1b"), new BaselineChange("B", null), new BaselineChange("D", "4")]);
            store.ForgetBaseline("costs", ["C"]);
            store.ApplyToBaseline("costs", [new BaselineChange("D", "4b")]);
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Values(reopened, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1b", ["C"] = StateStore.UnknownValues, ["D"] = "4b" }));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal WHERE entity = 'costs'"), Is.EqualTo(5), "loading only reads the journal");
    }

    [Test]
    public void AdvanceBaseline_JournalEntriesReadAtLoad_NotAppliedAgainOverTheRunsChanges()
    {
        using var store = StateStore.Open(_temp.Path);
        store.ApplyToBaseline("costs", [new BaselineChange("A", "from the journal"), new BaselineChange("B", "kept")]);
        var baseline = store.LoadBaseline("costs");

        store.AdvanceBaseline("costs", baseline.Apply([new BaselineChange("A", "from the run")]));

        Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "from the run", ["B"] = "kept" }));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.Zero);
    }

    // ---- a run's staged change pages ----

    /// <summary>Keys a run does not touch, enough that a few changes are stored as a page of their own.</summary>
    private static readonly BaselineChange[] Others = [.. Enumerable.Range(0, 100).Select(i => new BaselineChange($"K{i:D3}", "0"))];

    private static byte[] Pack(params (string Key, string? Values)[] changes) =>
        Baseline.PackChanges([.. changes.Select(c => new BaselineChange(c.Key, c.Values))]);

    [Test]
    public void AdvanceBaselineWithChangePages_StoredAsOnePageBetweenTheJournalReadAtLoadAndTheJournalNotedAfter()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([.. Others, new BaselineChange("A", "1"), new BaselineChange("B", "2"), new BaselineChange("C", "3"), new BaselineChange("E", "5")]));
            store.ApplyToBaseline("costs", [new BaselineChange("A", "1 journal"), new BaselineChange("E", null)]);
            var baseline = store.LoadBaseline("costs");
            store.ForgetBaseline("costs", ["D"]);
            store.ApplyToBaseline("costs", [new BaselineChange("B", null)]);

            store.AdvanceBaseline("costs", baseline, [Pack(("B", "2 run"), ("C", null)), Pack(("D", "4 run"), ("F", "6 run"))]);
        }

        using var reopened = StateStore.Open(_temp.Path);

        var expected = Others.ToDictionary(c => c.Key, c => c.Values!);
        expected.Add("A", "1 journal");
        expected.Add("D", StateStore.UnknownValues);
        expected.Add("F", "6 run");
        Assert.That(Values(reopened, "costs"), Is.EqualTo(expected), "the journal read at load, then the run's changes, then what the journal noted meanwhile (it wins)");
        Assert.That(reopened.LoadBaseline("costs").Count, Is.EqualTo(103));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'costs'"), Is.EqualTo(2), "the full set, then one page of changes");
        Assert.That(Scalar("SELECT pages FROM baseline_index WHERE entity = 'costs'"), Is.EqualTo(1), "the full set's index stays");
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.Zero);
    }

    [Test]
    public void AdvanceBaselineWithChangePages_FirstRun_WrittenAsAFullSetWithItsIndex()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            var baseline = store.LoadBaseline("costs");

            store.AdvanceBaseline("costs", baseline, [Pack(("A", "1"), ("B", "2")), Pack(("B", null), ("C", "3"))]);

            Assert.That(Values(baseline), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3" }), "written afresh from the baseline, which took the changes");
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Values(reopened, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3" }));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_index WHERE entity = 'costs'"), Is.EqualTo(1));
        Assert.That(reopened.LoadBaseline("costs").IndexedAtLoad, Is.EqualTo(2));
    }

    [Test]
    public void AdvanceBaselineWithChangePages_ManyRuns_WrittenAfreshBeforeTheChangesOutweighTheKeys()
    {
        using var store = StateStore.Open(_temp.Path);
        store.AdvanceBaseline("costs", store.LoadBaseline("costs"), [Pack([.. Enumerable.Range(0, 1000).Select(i => ($"K{i:D4}", (string?)"100"))])]);
        var full = Scalar("SELECT SUM(length(bytes)) FROM baseline_pages WHERE entity = 'costs'");
        var expected = Enumerable.Range(0, 1000).ToDictionary(i => $"K{i:D4}", _ => "100");

        var (pages, compactions) = (1L, 0);
        for (var run = 0; run < 30; run++)
        {
            var changes = Enumerable.Range(run * 30, 100).Select(i => ($"K{i % 1000:D4}", (string?)$"{run}")).ToArray();
            store.AdvanceBaseline("costs", store.LoadBaseline("costs"), [Pack(changes[..50]), Pack(changes[50..])]);
            foreach (var (key, values) in changes) expected[key] = values!;

            Assert.That(Scalar("SELECT SUM(length(bytes)) FROM baseline_pages WHERE entity = 'costs'"), Is.LessThanOrEqualTo(full * 2 + 2000), $"run {run}: the pages are written afresh before the changes outweigh the keys");
            Assert.That(Values(store, "costs"), Is.EqualTo(expected), $"run {run}");
            var now = Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'costs'");
            Assert.That(now, Is.EqualTo(1).Or.EqualTo(pages + 1), $"run {run}: written afresh as one page, or its two pages of changes added as one");
            if (now == 1) compactions++;
            pages = now;
        }
        Assert.That(compactions, Is.InRange(1, 29), "both ways were taken");
    }

    [Test]
    public void AdvanceBaseline_ForgetNotedAfterLoad_SurvivesAndWinsOverTheRunsChange()
    {
        // A refusal noted (by the uploader) while the run diffed: the portal's value is unknown, so the key must be sent again.
        using (var store = StateStore.Open(_temp.Path))
        {
            store.AdvanceBaseline("costs", store.LoadBaseline("costs").Apply([new BaselineChange("A", "1"), new BaselineChange("B", "2")]));
            var baseline = store.LoadBaseline("costs");
            store.ForgetBaseline("costs", ["A"]);
            store.ApplyToBaseline("costs", [new BaselineChange("B", null)]);

            store.AdvanceBaseline("costs", baseline.Apply([new BaselineChange("A", "1 new"), new BaselineChange("B", "2 new"), new BaselineChange("C", "3")]));

            Assert.That(baseline.ValuesOf("A"), Is.EqualTo(StateStore.UnknownValues));
            Assert.That(baseline.ValuesOf("B"), Is.Null);
        }

        using var reopened = StateStore.Open(_temp.Path);

        Assert.That(Values(reopened, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = StateStore.UnknownValues, ["C"] = "3" }));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.Zero);
    }

    [Test]
    public void AdvanceBaseline_OneEntity_OtherEntitiesJournalAndPagesUntouched()
    {
        using var store = StateStore.Open(_temp.Path);
        store.AdvanceBaseline("items", store.LoadBaseline("items").Apply([new BaselineChange("I", "paged")]));
        store.ApplyToBaseline("items", [new BaselineChange("J", "journal")]);
        var costs = store.LoadBaseline("costs");
        store.ApplyToBaseline("items", [new BaselineChange("K", "journal after costs loaded")]);

        store.AdvanceBaseline("costs", costs.Apply([new BaselineChange("A", "cost")]));

        Assert.That(Values(store, "items"), Is.EqualTo(new Dictionary<string, string> { ["I"] = "paged", ["J"] = "journal", ["K"] = "journal after costs loaded" }));
        Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "cost" }));
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal WHERE entity = 'items'"), Is.EqualTo(2));
    }

    [Test]
    public void AdvanceBaseline_SameBaselineTwice_JournalBetweenStored()
    {
        using var store = StateStore.Open(_temp.Path);
        var baseline = store.LoadBaseline("costs");
        store.AdvanceBaseline("costs", baseline.Apply([.. Others, new BaselineChange("A", "1")]));
        store.ApplyToBaseline("costs", [new BaselineChange("B", "2"), new BaselineChange("A", null)]);

        store.AdvanceBaseline("costs", baseline.Apply([new BaselineChange("A", "1 again"), new BaselineChange("C", "3")]));

        var expected = Others.ToDictionary(c => c.Key, c => c.Values!);
        expected.Add("B", "2");
        expected.Add("C", "3");
        Assert.That(Values(store, "costs"), Is.EqualTo(expected), "the journal noted between the two wins over the second's change of A");
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'costs'"), Is.EqualTo(2), "the second added a page");
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.Zero);
    }

    [Test]
    public void Open_OldBaselineTable_MigratedIntoTheJournalAndDropped()
    {
        Directory.CreateDirectory(_temp.Combine("state"));
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE baseline (entity TEXT NOT NULL, key TEXT NOT NULL, vals TEXT NOT NULL, PRIMARY KEY (entity, key)) WITHOUT ROWID;
                INSERT INTO baseline VALUES ('inventory', 'A-1{Us}MAIN', 'A-1{Us}MAIN{Us}5'), ('inventory', 'Ä-2{Us}MAIN', 'Ä-2{Us}MAIN{Us}0'), ('costs', 'A', '1');
                CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, exit_code INTEGER, summary TEXT);
                INSERT INTO runs (run_id, pipeline, started_at) VALUES ('old-run', 'nightly', '2026-11-29T02:00:00.0000000+00:00');
                """;
            command.ExecuteNonQuery();
        }

        using (var store = StateStore.Open(_temp.Path))
        {
            Assert.That(Values(store, "inventory"), Is.EqualTo(new Dictionary<string, string>
            {
                [$"A-1{Us}MAIN"] = $"A-1{Us}MAIN{Us}5",
                [$"Ä-2{Us}MAIN"] = $"Ä-2{Us}MAIN{Us}0",
            }));
            Assert.That(Values(store, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1" }));
            Assert.That(store.Run("old-run"), Is.Not.Null, "the rest of the database is kept");
        }
        Assert.That(Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'baseline'"), Is.Zero);
        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.EqualTo(3));

        using (var reopened = StateStore.Open(_temp.Path))
        {
            Assert.That(Scalar("SELECT COUNT(*) FROM baseline_journal"), Is.EqualTo(3), "opening again migrates nothing twice");
            var baseline = reopened.LoadBaseline("inventory");
            reopened.AdvanceBaseline("inventory", baseline.Apply([new BaselineChange($"B-3{Us}MAIN", $"B-3{Us}MAIN{Us}1")]));
        }

        using var advanced = StateStore.Open(_temp.Path);
        Assert.That(Values(advanced, "inventory").Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { $"A-1{Us}MAIN", $"B-3{Us}MAIN", $"Ä-2{Us}MAIN" }));
        Assert.That(Values(advanced, "costs"), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1" }));
        Assert.That(Query("SELECT entity FROM baseline_journal"), Is.EqualTo(new[] { "costs" }), "the inventory rows were folded into its pages");
    }

    [Test]
    public void AdvanceBaseline_LargerThanOnePage_RoundTripsAfterReopen()
    {
        const int keys = 300_000;
        static string Key(int i) => $"S{i:D7}{Us}MAIN";
        static string Vals(int i) => $"V{i:D19}";
        using (var store = StateStore.Open(_temp.Path))
        {
            var baseline = store.LoadBaseline("inventory");
            store.AdvanceBaseline("inventory", baseline.Apply([.. Enumerable.Range(0, keys).Select(i => new BaselineChange(Key(i), Vals(i)))]));
        }

        Assert.That(Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'inventory'"), Is.GreaterThan(1));
        Assert.That(Scalar("SELECT MAX(length(bytes)) FROM baseline_pages WHERE entity = 'inventory'"), Is.LessThanOrEqualTo(Baseline.PageSize));
        Assert.That(Scalar("SELECT SUM(length(bytes)) FROM baseline_pages WHERE entity = 'inventory'"), Is.EqualTo(keys * (1L + 13 + 1 + 20)),
            "each page is stored with its records only (a length, the key, a length and the values each), no slack");
        Assert.That(Query("SELECT pages FROM baseline_index WHERE entity = 'inventory'").Single(), Is.EqualTo(Scalar("SELECT COUNT(*) FROM baseline_pages WHERE entity = 'inventory'")),
            "the full set's index covers all its pages");
        Assert.That(Scalar("SELECT length(slots) FROM baseline_index WHERE entity = 'inventory'"), Is.EqualTo(524_288 * 8), "the slots of 300,000 keys, at most 70% full");
        using var reopened = StateStore.Open(_temp.Path);
        var loaded = reopened.LoadBaseline("inventory");
        Assert.That(loaded.IndexedAtLoad, Is.EqualTo(keys), "placed by the stored index");
        Assert.That(loaded.Count, Is.EqualTo(keys));
        var wrong = Enumerable.Range(0, keys).Where(i => loaded.ValuesOf(Key(i)) != Vals(i)).Take(5).ToList();
        Assert.That(wrong, Is.Empty);
        Assert.That(loaded.Entries().Count(), Is.EqualTo(keys));
    }

    [Test]
    public void RecordRun_StartedThenFinished_RowHoldsBoth()
    {
        using (var store = StateStore.Open(_temp.Path))
        {
            store.RecordRunStarted("20261130T020000Z-0a1b2c", "nightly", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero));
            store.RecordRunFinished("20261130T020000Z-0a1b2c", new DateTimeOffset(2026, 11, 30, 2, 5, 0, TimeSpan.Zero), 3, "{\"exit_code\": 3}");
        }

        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pipeline, started_at, finished_at, exit_code, summary FROM runs WHERE run_id = '20261130T020000Z-0a1b2c'";
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True);
        Assert.That(reader.GetString(0), Is.EqualTo("nightly"));
        Assert.That(DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero)));
        Assert.That(DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 2, 5, 0, TimeSpan.Zero)));
        Assert.That(reader.GetInt32(3), Is.EqualTo(3));
        Assert.That(reader.GetString(4), Is.EqualTo("{\"exit_code\": 3}"));
    }

    [Test]
    public async Task Checkpoint_WhileTheStoreIsOpen_TheDatabaseFileHoldsWhatWasCommitted()
    {
        using var store = StateStore.Open(_temp.Path);
        store.RecordRunStarted("20261130T020000Z-0a1b2c", "nightly", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero));

        await store.CheckpointAsync();

        // A copy of the database file alone (no write-ahead log beside it) holds the run only once it was copied in.
        var copy = _temp.Combine("copy.db");
        File.Copy(Database, copy);
        using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pipeline FROM runs WHERE run_id = '20261130T020000Z-0a1b2c'";
        Assert.That(command.ExecuteScalar(), Is.EqualTo("nightly"));
    }
}
