using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Etl.EndToEnd.Tests.Support;
using Etl.State;
using Microsoft.Data.Sqlite;
using Snapshooter;
using Snapshooter.NUnit;

namespace Etl.EndToEnd.Tests;

/// <summary>
/// etl reconcile and etl prune through the real etl command against the sandbox portal over HTTP: a portal edited behind
/// the engine's back is found exactly and repaired through the outbox, a pipeline reports its reconcile in the summary,
/// and prune keeps what the Retention settings say and nothing else.
/// </summary>
[TestFixture]
public sealed class ReconcileTests
{
    private const char Separator = '\u001F';
    private DataRoot _root = null!;
    private PortalFixture _portal = null!;
    private string _pipeline = null!;

    [SetUp]
    public async Task SetUp()
    {
        _root = new DataRoot();
        _portal = await PortalFixture.StartAsync(_root.Path);
        _pipeline = Path.Combine(_root.Path, "catalog.json");
        File.WriteAllText(_pipeline, """{ "entities": { "inventory": {}, "list_prices": {}, "discounts": {} } }""");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _portal.DisposeAsync();
        _root.Dispose();
    }

    private EtlResult Etl(params string[] args) =>
        EtlCommand.Run(EtlCommand.RepositoryRoot, _portal.Environment(), [.. args, "--data-root", _root.Path]);

    private EtlResult Etl(Dictionary<string, string> environment, params string[] args)
    {
        var all = _portal.Environment();
        foreach (var (key, value) in environment) all[key] = value;
        return EtlCommand.Run(EtlCommand.RepositoryRoot, all, [.. args, "--data-root", _root.Path]);
    }

    private void DropDay1()
    {
        _root.Drop("inventory", "inventory.csv", """
            sku,warehouse,qty_available,qty_on_hand,qty_allocated
            A-1,MAIN,5,5,0
            A-2,MAIN,7,9,2
            A-3,MAIN,1,1,0
            A-4,MAIN,4,4,0
            B-1,EAST,3,3,0
            BAD,MAIN,9,5,0

            """.Replace("\r", "", StringComparison.Ordinal));
        _root.Drop("list_prices", "list_prices.csv", """
            sku,price_list,currency,list_price,uom,effective_date
            A-1,TRADE,EUR,12.50,EA,2026-11-01
            A-2,TRADE,EUR,3,M,2026-11-01
            A-3,TRADE,EUR,7.25,EA,2026-11-01

            """.Replace("\r", "", StringComparison.Ordinal));
        _root.Drop("discounts", "discounts.csv", """
            discount_group,product_class,discount_pct,valid_from,valid_to
            DG-A,VALVES,10.0,2026-01-01,
            DG-A,PIPES,5,2026-01-01,

            """.Replace("\r", "", StringComparison.Ordinal));
    }

    /// <summary>Edits the portal behind the engine's back, as someone with portal access would: an import under a key of our own.</summary>
    private async Task EditPortalAsync(string entity, params JsonObject[] records)
    {
        var body = new JsonObject
        {
            ["batch_id"] = "support-desk-" + Guid.NewGuid().ToString("N"), ["entity"] = entity, ["run_id"] = "manual",
            ["as_of"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), ["records"] = new JsonArray(records),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/imports/" + entity)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", (string)body["batch_id"]!);
        using var response = await _portal.Http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.IsSuccessStatusCode, Is.True, answer.ToJsonString());
        Assert.That(answer["rejected"]!.AsArray(), Is.Empty, answer.ToJsonString());
    }

    private static JsonObject Upsert(params (string Field, JsonNode? Value)[] fields)
    {
        var record = new JsonObject { ["op"] = "upsert" };
        foreach (var (field, value) in fields) record[field] = value;
        return record;
    }

    private static JsonObject Delete(params (string Field, string Value)[] key)
    {
        var record = new JsonObject { ["op"] = "delete" };
        foreach (var (field, value) in key) record[field] = value;
        return record;
    }

    private async Task DriftAsync()
    {
        await EditPortalAsync("inventory",
            Upsert(("sku", "A-1"), ("warehouse", "MAIN"), ("qty_available", 6)),                     // different
            Upsert(("sku", "A-2"), ("warehouse", "MAIN"), ("qty_available", JsonNode.Parse("7.0"))),  // the same by value
            Delete(("sku", "A-3"), ("warehouse", "MAIN")),                                           // missing
            Upsert(("sku", "Z-9"), ("warehouse", "MAIN"), ("qty_available", 2)));                    // extra
        await EditPortalAsync("list_prices",
            Upsert(("sku", "A-1"), ("price_list", "TRADE"), ("currency", "EUR"), ("list_price", JsonNode.Parse("12.5000")), ("uom", "EA"), ("effective_date", "2026-11-01")),
            Upsert(("sku", "A-2"), ("price_list", "TRADE"), ("currency", "EUR"), ("list_price", null), ("uom", "EA"), ("effective_date", "2026-11-01")),
            Upsert(("sku", "A-3"), ("price_list", "TRADE"), ("currency", "EUR"), ("list_price", "7.250"), ("uom", "EA"), ("effective_date", "2026-12-01")));
        await EditPortalAsync("discounts",
            Upsert(("discount_group", "DG-A"), ("product_class", "VALVES"), ("discount_pct", 10), ("valid_from", "2026-01-01")),  // valid_to absent = null
            Upsert(("discount_group", "DG-A"), ("product_class", "PIPES"), ("discount_pct", 5), ("valid_from", "2026-01-01"), ("valid_to", "2026-12-31")));
        // The engine's own belief goes astray too: a key it no longer knows the portal's value of.
        using var state = StateStore.Open(_root.Path);
        state.ForgetBaseline("inventory", ["B-1" + Separator + "EAST"]);
    }

    private JsonNode Reconcile(string runId) => _root.Summary(runId)["reconcile"]!;

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    [Test]
    public async Task Reconcile_DriftedPortal_FindsEveryDifferenceAndRepairBringsItBack()
    {
        DropDay1();
        var run = Etl("run", _pipeline);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        await DriftAsync();

        var found = Etl("reconcile", "inventory", "list_prices", "discounts");

        Assert.That(found.ExitCode, Is.EqualTo(0), found.ToString());
        Snapshot.Match(_root.Stable(found.Stdout), SnapshotNameExtension.Create("report"));
        var report = _root.RunIds().Last();
        Assert.That(_root.Summary(report)["pipeline"]!.GetValue<string>(), Is.EqualTo("reconcile"));
        var inventory = Reconcile(report)["inventory"]!;
        Assert.Multiple(() =>
        {
            Assert.That(inventory["erp_valid"]!.GetValue<int>(), Is.EqualTo(5));
            Assert.That(inventory["erp_invalid"]!.GetValue<int>(), Is.EqualTo(1), "BAD|MAIN fails qty_balance: never sent, not compared");
            Assert.That(inventory["in_step"]!.GetValue<int>(), Is.EqualTo(3), "A-2 (7.0 is 7), A-4, B-1");
            Assert.That(Strings(inventory["missing_keys"]), Is.EqualTo(new[] { "A-3|MAIN" }));
            Assert.That(Strings(inventory["extra_keys"]), Is.EqualTo(new[] { "Z-9|MAIN" }));
            Assert.That(inventory["different_records"]!.ToJsonString(), Is.EqualTo("""[{"key":"A-1|MAIN","fields":{"qty_available":{"erp":"5","portal":"6"}}}]"""));
            Assert.That(Strings(inventory["baseline_stale_keys"]), Is.EqualTo(new[] { "A-1|MAIN", "A-3|MAIN", "B-1|EAST", "Z-9|MAIN" }));
            var prices = Reconcile(report)["list_prices"]!;
            Assert.That(prices["in_step"]!.GetValue<int>(), Is.EqualTo(1), "12.5000 is 12.50");
            Assert.That(prices["different_records"]!.ToJsonString(), Is.EqualTo(
                """[{"key":"A-2|TRADE|EUR","fields":{"list_price":{"erp":"3","portal":null},"uom":{"erp":"M","portal":"EA"}}},{"key":"A-3|TRADE|EUR","fields":{"effective_date":{"erp":"2026-11-01","portal":"2026-12-01"}}}]"""));
            var discounts = Reconcile(report)["discounts"]!;
            Assert.That(discounts["in_step"]!.GetValue<int>(), Is.EqualTo(1), "an absent valid_to is null");
            Assert.That(discounts["different_records"]!.ToJsonString(), Is.EqualTo("""[{"key":"DG-A|PIPES","fields":{"valid_to":{"erp":null,"portal":"2026-12-31"}}}]"""));
        });
        Assert.That(File.ReadAllText(Path.Combine(_root.Path, "reports", report, "inventory.reconcile.csv")), Does.StartWith("kind,key,field,erp,portal,baseline,note\n"));

        var repaired = Etl("reconcile", "inventory", "list_prices", "discounts", "--repair");

        Assert.That(repaired.ExitCode, Is.EqualTo(0), repaired.ToString());
        Snapshot.Match(_root.Stable(repaired.Stdout), SnapshotNameExtension.Create("repair"));
        var repairRun = _root.RunIds().Last();
        Assert.That(Reconcile(repairRun)["inventory"]!["repair"]!.ToJsonString(),
            Is.EqualTo("""{"upserts":2,"deletes":1,"invalid":0,"batches":1,"baseline_corrected":1}"""));
        Assert.That(_root.Payloads().Where(p => p.Contains(repairRun, StringComparison.Ordinal)).Select(p => Path.GetFileName(Path.GetDirectoryName(p))),
            Is.All.Not.EqualTo("outbox"), "the repair payloads were delivered");
        static string AsOf(string payload) => JsonNode.Parse(File.ReadAllText(payload))!["as_of"]!.GetValue<string>();
        Assert.That(AsOf(_root.Payloads("inventory").Single(p => p.Contains(repairRun, StringComparison.Ordinal))), Is.EqualTo(AsOf(_root.Payloads("inventory")[0])),
            "the corrections carry the newest as_of delivered for the entity: not stale to the uploader, not newer than the next drop");
        var portalInventory = (await _portal.GetAsync("api/v1/data/inventory"))["records"]!.AsArray()
            .Select(r => $"{r!["sku"]}|{r["warehouse"]}={r["qty_available"]}").ToList();
        Assert.That(portalInventory, Is.EqualTo(new[] { "A-1|MAIN=5", "A-2|MAIN=7.0", "A-3|MAIN=1", "A-4|MAIN=4", "B-1|EAST=3" }));

        var again = Etl("reconcile", "inventory", "list_prices", "discounts", "--json");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        var after = JsonNode.Parse(again.Stdout)!["reconcile"]!;
        foreach (var entity in new[] { "inventory", "list_prices", "discounts" })
        {
            var r = after[entity]!;
            Assert.That(new[] { "missing", "extra", "different", "baseline_stale" }.Select(k => r[k]!.GetValue<int>()), Is.All.Zero, $"{entity}: {r.ToJsonString()}");
            Assert.That(r["in_step"]!.GetValue<int>(), Is.EqualTo(r["erp_valid"]!.GetValue<int>()), entity);
        }

        var nextRun = Etl("run", _pipeline, "--full-resync");
        Assert.That(nextRun.ExitCode, Is.EqualTo(0), nextRun.ToString());
        var resync = _root.Summary(_root.RunIds().Last())["entities"]!["inventory"]!;
        Assert.That(new[] { "added", "changed", "removed" }.Select(k => resync[k]!.GetValue<int>()), Is.All.Zero,
            "the repaired baseline is what the portal holds: a later run sees nothing changed: " + resync.ToJsonString());
    }

    [Test]
    public async Task Run_PipelineWithReconcile_AddsItsCountsToTheSummary()
    {
        File.WriteAllText(_pipeline, """{ "entities": { "inventory": {} }, "reconcile": ["inventory"] }""");
        _root.Drop("inventory", "inventory.csv", "sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,5,5,0\nA-2,MAIN,7,9,2\n");
        var first = Etl("run", _pipeline);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(_root.Summary(_root.RunIds().Last())["reconcile"]!["inventory"]!["in_step"]!.GetValue<int>(), Is.EqualTo(2), "after the drain the portal agrees");
        await EditPortalAsync("inventory", Delete(("sku", "A-2"), ("warehouse", "MAIN")));

        var second = Etl("run", _pipeline);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        var summary = _root.Summary(_root.RunIds().Last());
        Assert.That(summary["entities"]!["inventory"]!["status"]!.GetValue<string>(), Is.EqualTo("skipped"));
        var reconcile = summary["reconcile"]!["inventory"]!;
        Assert.That(reconcile["missing"]!.GetValue<int>(), Is.EqualTo(1), reconcile.ToJsonString());
        Assert.That(Strings(reconcile["missing_keys"]), Is.EqualTo(new[] { "A-2|MAIN" }));
        Assert.That(reconcile["repair"], Is.Null, "a pipeline's reconcile only reports");
        Assert.That(second.Stdout, Does.Contain("missing (valid in the ERP, not in the portal) (1): A-2|MAIN"));
    }

    [Test]
    public void Run_ReconcileNamesAnUnknownEntity_Exits2NamingFileAndKey()
    {
        File.WriteAllText(_pipeline, """{ "entities": { "inventory": {} }, "reconcile": ["inventroy"] }""");

        var result = Etl("run", _pipeline);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("catalog.json").And.Contain("'inventroy' under 'reconcile'"));
        Assert.That(Etl("reconcile", "inventroy").Stderr, Does.Contain("unknown entity 'inventroy'"));
    }

    [Test]
    public void RepairAndPrune_WhileARunHoldsTheDataRoot_Exit4NamingTheHolder()
    {
        using var held = RunLock.TryAcquire(_root.Path, new RunLockHolder("nightly", "20261130T020000Z-abcdef", DateTimeOffset.UtcNow, 1234), out _);

        var repair = Etl("reconcile", "inventory", "--repair");
        var prune = Etl("prune");

        Assert.That((repair.ExitCode, prune.ExitCode), Is.EqualTo((4, 4)), repair + "\n" + prune);
        Assert.That(repair.Stderr + prune.Stderr, Does.Contain("nightly").And.Contain("20261130T020000Z-abcdef"));
    }

    [Test]
    public void Prune_OldThings_RemovesWhatRetentionSaysAndNothingElse()
    {
        File.WriteAllText(_pipeline, """{ "entities": { "inventory": {} }, "orders": true }""");
        for (var day = 1; day <= 3; day++)
        {
            _root.Drop("inventory", $"day{day}.csv", $"sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,{day},{day},0\n");
            var run = Etl("run", _pipeline);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        }
        var runs = _root.RunIds();
        var old = DateTime.UtcNow.AddDays(-100);
        var outbox = _root.Outbox;
        // Everything of the first two runs is 100 days old, and so is the newest snapshot: age never removes that one.
        foreach (var file in Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories)
                     .Where(f => runs.Take(2).Any(r => f.Contains(r, StringComparison.Ordinal)) || f.Contains(runs[2] + ".parquet", StringComparison.Ordinal)))
        {
            File.SetLastWriteTimeUtc(file, old);
        }
        // What prune must never touch, however old: a payload waiting, a refused one, a failed drop.
        var waiting = Path.Combine(outbox, "20200101T000000000Z_inventory_20200101T000000Z-0a0b0c_000001.json");
        var refused = Path.Combine(outbox, "failed", "20200101T000000000Z_inventory_20200101T000000Z-0d0e0f_000001.json");
        var failedDrop = Path.Combine(_root.Path, "drop", "erp", "inventory", "failed", "broken.csv");
        foreach (var file in new[] { waiting, refused, refused.Replace(".json", ".error.json", StringComparison.Ordinal), failedDrop })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "{}");
            File.SetLastWriteTimeUtc(file, old);
        }
        var oldText = old.ToString("O", CultureInfo.InvariantCulture);
        State($"""
            INSERT INTO order_trail (run_id, portal_order_id, decision, detail, at) VALUES ('{runs[0]}', 'P-OLD', 'created', NULL, '{oldText}');
            INSERT INTO order_trail (run_id, portal_order_id, decision, detail, at) VALUES ('{runs[2]}', 'P-NEW', 'created', NULL, '{DateTime.UtcNow:O}');
            UPDATE delivery_batches SET delivered_at = '{old:yyyy-MM-dd'T'HH:mm:ss'Z'}' WHERE batch_id LIKE '%{runs[0]}%' OR batch_id LIKE '%{runs[1]}%';
            UPDATE runs SET started_at = '{new DateTimeOffset(old):O}' WHERE run_id IN ('{runs[0]}', '{runs[1]}');
            """);
        var baseline = BaselineKeys();
        var before = Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories).Length;
        var retention = new Dictionary<string, string> { ["ETL_Retention__Snapshots"] = "2" };

        var dryRun = Etl(retention, "prune", "--dry-run");

        Assert.That(dryRun.ExitCode, Is.EqualTo(0), dryRun.ToString());
        Assert.That(dryRun.Stdout, Does.Contain("Would remove:").And.Contain("Nothing was removed (--dry-run)."));
        Assert.That(Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories), Has.Length.EqualTo(before), "a dry run removes nothing");

        var prune = Etl(retention, "prune", "--json");

        Assert.That(prune.ExitCode, Is.EqualTo(0), prune.ToString());
        var removed = JsonNode.Parse(prune.Stdout)!;
        var kinds = removed["removed"]!.AsArray().GroupBy(i => i!["kind"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(kinds, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["snapshot"] = 1, ["sent_payload"] = 2, ["receipt"] = 2, ["report"] = 2, ["processed_drop"] = 2,
        }), prune.Stdout);
        Assert.That(removed["rows"]!.AsArray().ToDictionary(r => r!["table"]!.GetValue<string>(), r => r!["rows"]!.GetValue<int>()),
            Is.EquivalentTo(new Dictionary<string, int> { ["delivery_batches"] = 2, ["order_trail"] = 1, ["runs"] = 2 }), prune.Stdout);
        Assert.That(Directory.GetFiles(Path.Combine(_root.Path, "snapshots", "inventory"), "*.parquet", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { $"inventory_{runs[1]}.parquet", $"inventory_{runs[2]}.parquet" }));
        Assert.That(_root.RunIds(), Is.EqualTo(new[] { runs[2] }));
        var sent = Directory.GetFiles(Path.Combine(outbox, "sent"), "*.json", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.That(sent.Count(n => n!.Contains(runs[2], StringComparison.Ordinal)), Is.EqualTo(2), "the newest run's payload and receipt stay: " + string.Join(", ", sent));
        Assert.That(sent, Has.Count.EqualTo(2), string.Join(", ", sent));
        Assert.That(Directory.GetDirectories(Path.Combine(_root.Path, "drop", "erp", "inventory", "processed")).Select(Path.GetFileName), Is.EqualTo(new[] { runs[2] }));
        Assert.That(new[] { waiting, refused, failedDrop }.Where(f => !File.Exists(f)), Is.Empty, "waiting and refused payloads and failed drops are never pruned");
        Assert.That(BaselineKeys(), Is.EqualTo(baseline), "baselines are never pruned");
        Assert.That(Count("SELECT COUNT(*) FROM order_trail WHERE portal_order_id = 'P-NEW'"), Is.EqualTo(1));
        Assert.That(Count("SELECT COUNT(*) FROM runs"), Is.EqualTo(1), "the run history goes with the reports");

        var again = Etl(retention, "prune");
        Assert.That(again.Stdout, Does.Contain("Nothing to prune."), again.ToString());
    }

    [Test]
    public void Help_ReconcileAndPrune_HaveDescriptionAndExamples()
    {
        foreach (var command in new[] { "reconcile", "prune" })
        {
            var result = EtlCommand.Run(command, "--help");
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Stdout, Does.Contain("Examples:").And.Contain("--data-root").And.Contain("--json"), command);
        }
    }

    private void State(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_root.Path, "state", "etl.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private int BaselineKeys()
    {
        using var state = StateStore.Open(_root.Path);
        return state.LoadBaseline("inventory").Count;
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_root.Path, "state", "etl.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
