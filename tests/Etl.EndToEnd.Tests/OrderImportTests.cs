using System.Text.Json.Nodes;
using Etl.EndToEnd.Tests.Support;

namespace Etl.EndToEnd.Tests;

/// <summary>The order import through etl run, against the sandbox portal over HTTP in a non-UTC time zone.</summary>
[TestFixture]
public sealed class OrderImportTests
{
    private DataRoot _root = null!;
    private PortalFixture _portal = null!;
    private string _pipeline = null!;

    [SetUp]
    public async Task SetUp()
    {
        _root = new DataRoot();
        _portal = await PortalFixture.StartAsync(_root.Path);
        _pipeline = Path.Combine(_root.Path, "orders.json");
        File.WriteAllText(_pipeline, """{ "entities": {}, "orders": true }""");
        ErpFixture.Execute(_root.Path, """
            INSERT INTO customers VALUES ('C-1', 'Acme', 'ACC-1', 1, 'TRADE', 'DG-A'), ('C-2', 'Bolt', 'ACC-2', 0, NULL, NULL);
            INSERT INTO items VALUES ('A-1', 'Valve', 'EA', 'VALVES', 0.2, 1), ('B-2', 'Pipe', 'M', 'PIPES', 1.5, 1);
            INSERT INTO sales_orders VALUES
                ('SO-1', 'C-1', 'PO-LINK', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                ('SO-2', 'C-1', 'PO-DUP', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                ('SO-3', 'C-1', 'PO-DUP', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                ('SO-9', 'C-1', 'PO-OLD', 'P-LINKED', 'OPEN', 'EUR', '2026-11-01', 10, 'portal');
            INSERT INTO sales_order_lines VALUES ('SO-9', 1, 'A-1', 2, 5);
            """);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _portal.DisposeAsync();
        _root.Dispose();
    }

    private string DataPath => _root.Path;

    private EtlResult Run(params string[] extra) =>
        EtlCommand.Run(EtlCommand.RepositoryRoot, _portal.Environment(), [.. new[] { "run", _pipeline, "--data-root", DataPath }, .. extra]);

    private EtlResult RunWith(Dictionary<string, string> environment, params string[] extra)
    {
        var all = _portal.Environment();
        foreach (var (k, v) in environment) all[k] = v;
        return EtlCommand.Run(EtlCommand.RepositoryRoot, all, [.. new[] { "run", _pipeline, "--data-root", DataPath }, .. extra]);
    }

    private static JsonObject Order(string id, string status = "ACKNOWLEDGED", string account = "ACC-1", string? po = null, string? erp = null,
        decimal qty = 2, string sku = "A-1", string? updatedAt = null) => new()
    {
        ["id"] = id, ["account_id"] = account, ["customer_po"] = po, ["status"] = status, ["erp_order_no"] = erp, ["currency"] = "EUR",
        ["created_at"] = updatedAt ?? PortalFixture.LocalMinutesAgo(10), ["updated_at"] = updatedAt ?? PortalFixture.LocalMinutesAgo(10),
        ["lines"] = new JsonArray(new JsonObject { ["line_no"] = 1, ["sku"] = sku, ["qty"] = qty, ["unit_price"] = 5 }),
    };

    private Task SeedAsync(params JsonObject[] orders) => _portal.PostAsync("sandbox/orders", new JsonArray(orders));

    private JsonNode Orders() => _root.Summary(_root.RunIds().Last())["orders"]!;

    private List<string> ErpOrdersOf(string portalId) => ErpFixture.Column(DataPath, $"SELECT erp_order_no FROM sales_orders WHERE portal_order_id = '{portalId}'");

    [Test]
    public async Task Run_EveryDecisionPath_EndsWhereTheContractSays()
    {
        await SeedAsync(
            Order("P-CREATE", po: "PO-NEW"),
            Order("P-MATCH", po: "PO-LINK"),
            Order("P-AMBIG", po: "PO-DUP"),
            Order("P-LINKED", status: "IN_PROGRESS", po: "PO-OLD"),
            Order("P-NEW", status: "NEW"),
            Order("P-ODD", status: "SOMETHING_ELSE"),
            Order("P-SCOPE", account: "ACC-2"),
            Order("P-INVALID", qty: 0),
            Order("P-GHOST", erp: "SO-404"));
        DataPathExists();

        var result = Run();

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Orders().ToJsonString(), Is.EqualTo("""{"pulled":9,"skipped_status":2,"out_of_scope":1,"invalid":1,"linked":1,"created":1,"back_updated":3,"review":2,"failed":0}"""));
        var created = ErpOrdersOf("P-CREATE").Single();
        Assert.That(created, Does.Match(@"^WEB-\d{6}$"));
        Assert.That(ErpOrdersOf("P-MATCH"), Is.EqualTo(new[] { "SO-1" }));
        Assert.That(await _portal.ErpNumberOfAsync("P-CREATE"), Is.EqualTo(created));
        Assert.That(await _portal.ErpNumberOfAsync("P-MATCH"), Is.EqualTo("SO-1"));
        Assert.That(await _portal.ErpNumberOfAsync("P-LINKED"), Is.EqualTo("SO-9"));
        Assert.That(ErpFixture.Column(DataPath, $"SELECT status || '|' || source || '|' || total || '|' || currency FROM sales_orders WHERE erp_order_no = '{created}'"),
            Is.EqualTo(new[] { "OPEN|portal|10|EUR" }));

        var review = EtlCommand.Run(EtlCommand.RepositoryRoot, (IDictionary<string, string>?)null, "review", "list", "--json", "--data-root", DataPath);
        var held = JsonNode.Parse(review.Stdout)!.AsArray().Select(e => (e!["portal_order_id"]!.GetValue<string>(), e["reason"]!.GetValue<string>()));
        Assert.That(held, Is.EquivalentTo(new[] { ("P-AMBIG", "ambiguous_match"), ("P-INVALID", "invalid"), ("P-GHOST", "unknown_erp_order") }));
    }

    private void DataPathExists() => Assert.That(File.Exists(Path.Combine(DataPath, "erp.db")), Is.True);

    [Test]
    public async Task Run_ThreeRunsWithNewAndChangedOrders_CreateNothingTwice()
    {
        await SeedAsync(Order("P-1", po: "A"), Order("P-2", status: "NEW", po: "B"));
        Assert.That(Run().ExitCode, Is.EqualTo(0));
        await SeedAsync(Order("P-2", status: "ACKNOWLEDGED", po: "B", updatedAt: PortalFixture.LocalMinutesAgo(0)), Order("P-3", po: "C", updatedAt: PortalFixture.LocalMinutesAgo(0)));
        Assert.That(Run().ExitCode, Is.EqualTo(0));
        await SeedAsync(Order("P-4", po: "D", updatedAt: PortalFixture.LocalMinutesAgo(0)));
        var third = Run();

        Assert.That(third.ExitCode, Is.EqualTo(0), third.ToString());
        foreach (var id in new[] { "P-1", "P-2", "P-3", "P-4" })
        {
            Assert.That(ErpOrdersOf(id), Has.Count.EqualTo(1), id);
            Assert.That(await _portal.ErpNumberOfAsync(id), Is.EqualTo(ErpOrdersOf(id)[0]), id);
        }
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(*) FROM sales_orders WHERE source = 'portal'"), Is.EqualTo(new[] { "5" }), "four created plus SO-9");
        Assert.That(Orders()["created"]!.GetValue<int>(), Is.EqualTo(1), "the third run creates only P-4; the echoes of earlier back-updates are done");
    }

    [Test]
    public async Task Run_OrdersSharingOneUpdatedAtAcrossPages_AreEachImportedOnce()
    {
        var stamp = PortalFixture.LocalMinutesAgo(5);
        await SeedAsync([.. Enumerable.Range(0, 250).Select(i => Order($"P-{i:D3}", po: $"PO-{i}", updatedAt: stamp))]);

        var result = Run();

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Orders()["pulled"]!.GetValue<int>(), Is.EqualTo(250));
        Assert.That(Orders()["created"]!.GetValue<int>(), Is.EqualTo(250));
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(DISTINCT portal_order_id) || '/' || count(*) FROM sales_orders WHERE source = 'portal'"), Is.EqualTo(new[] { "251/251" }));
        var puts = (await _portal.GetAsync("sandbox/requests"))["requests"]!["PUT /api/v1/orders/{id}/erp-reference"]!;
        Assert.That(puts.ToJsonString(), Is.EqualTo("""{"200":250}"""), "the back-updates, run side by side, each happened exactly once");
        Assert.That(Ledger("SELECT count(DISTINCT portal_order_id) || '/' || count(*) FROM order_trail WHERE decision = 'back_updated'"), Is.EqualTo(new[] { "250/250" }));
        foreach (var i in new[] { 0, 99, 100, 249 }) Assert.That(await _portal.ErpNumberOfAsync($"P-{i:D3}"), Is.EqualTo(ErpOrdersOf($"P-{i:D3}").Single()));
    }

    [Test]
    public async Task Run_KilledInsideAPageTransaction_LeavesNothingOfThePageAndTheNextRunCreatesEachOnce()
    {
        await SeedAsync([.. Enumerable.Range(0, 150).Select(i => Order($"P-{i:D3}", po: $"PO-{i}"))]);

        var crashed = RunWith(new Dictionary<string, string> { ["ETL_TEST_CRASH_AT"] = "orders.mid-erp-group" });
        Assert.That(crashed.ExitCode, Is.Not.EqualTo(0), crashed.ToString());
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(*) FROM sales_orders WHERE source = 'portal'"), Is.EqualTo(new[] { "1" }),
            "only SO-9: the first page's orders were inserted but never committed");
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(*) FROM sales_order_lines"), Is.EqualTo(new[] { "1" }), "SO-9's line and no other");
        Assert.That((await _portal.GetAsync("sandbox/requests"))["requests"]!["PUT /api/v1/orders/{id}/erp-reference"], Is.Null, "no back-update of an uncommitted order");

        var healed = Run();

        Assert.That(healed.ExitCode, Is.EqualTo(0), healed.ToString());
        Assert.That(Orders()["created"]!.GetValue<int>(), Is.EqualTo(150));
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(DISTINCT portal_order_id) || '/' || count(*) FROM sales_orders WHERE source = 'portal'"), Is.EqualTo(new[] { "151/151" }));
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(*) FROM sales_order_lines"), Is.EqualTo(new[] { "151" }));
        foreach (var i in new[] { 0, 99, 149 }) Assert.That(await _portal.ErpNumberOfAsync($"P-{i:D3}"), Is.EqualTo(ErpOrdersOf($"P-{i:D3}").Single()));
    }

    private List<string> Ledger(string sql) => ErpFixture.ColumnOfFile(Path.Combine(DataPath, "state", "etl.db"), sql);

    [Test]
    public async Task Run_RateLimitsLocksAnd503s_StillImportEveryOrder()
    {
        await SeedAsync(Order("P-1", po: "A"), Order("P-2", po: "B"), Order("P-3", po: "C"));
        await _portal.PostAsync("sandbox/faults", JsonNode.Parse("""{ "rate_limit_per_second": 5, "burst": 2, "lock_orders": { "P-2": 2 }, "fail_next": 2, "fail_status": 503 }""")!);

        var result = Run();
        await _portal.PostAsync("sandbox/faults", new JsonObject());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        foreach (var id in new[] { "P-1", "P-2", "P-3" }) Assert.That(await _portal.ErpNumberOfAsync(id), Is.EqualTo(ErpOrdersOf(id).Single()), id);
        var requests = await _portal.GetAsync("sandbox/requests");
        Assert.That(requests["requests"]!["PUT /api/v1/orders/{id}/erp-reference"]!["423"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public async Task Run_TruncatedPagesAndBodies_AreRetriedAndEveryOrderImportedOnce()
    {
        await SeedAsync([.. Enumerable.Range(0, 120).Select(i => Order($"P-{i:D3}", po: $"PO-{i}"))]);
        await _portal.PostAsync("sandbox/faults", JsonNode.Parse("""{ "malformed_next": 3 }""")!);

        var result = Run();
        await _portal.PostAsync("sandbox/faults", new JsonObject());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Orders()["created"]!.GetValue<int>(), Is.EqualTo(120));
        Assert.That(ErpFixture.Column(DataPath, "SELECT count(DISTINCT portal_order_id) || '/' || count(*) FROM sales_orders WHERE source = 'portal'"), Is.EqualTo(new[] { "121/121" }));
    }

    [Test]
    public async Task Run_PortalDownDuringThePull_FailsWithoutMovingTheCheckpoint()
    {
        await SeedAsync(Order("P-1", po: "A"));
        await _portal.PostAsync("sandbox/faults", JsonNode.Parse("""{ "fail_next": 100, "fail_status": 503 }""")!);

        var failed = RunWith(new Dictionary<string, string> { ["ETL_Portal__MaxAttempts"] = "2" });
        Assert.That(failed.ExitCode, Is.EqualTo(3), failed.ToString());
        Assert.That(ErpOrdersOf("P-1"), Is.Empty);

        await _portal.PostAsync("sandbox/faults", new JsonObject());
        var healed = Run();
        Assert.That(healed.ExitCode, Is.EqualTo(0), healed.ToString());
        Assert.That(ErpOrdersOf("P-1"), Has.Count.EqualTo(1), "the next run reads the same window again");
    }

    [Test]
    public async Task Run_KilledBetweenErpInsertAndBackUpdate_HealsOnTheNextRun()
    {
        await SeedAsync(Order("P-1", po: "A"));

        var crashed = RunWith(new Dictionary<string, string> { ["ETL_TEST_CRASH_AT"] = "orders.after-erp-insert" });
        Assert.That(crashed.ExitCode, Is.Not.EqualTo(0), crashed.ToString());
        var number = ErpOrdersOf("P-1").Single();
        Assert.That(await _portal.ErpNumberOfAsync("P-1"), Is.Null, "the crash came before the back-update");

        var healed = Run();

        Assert.That(healed.ExitCode, Is.EqualTo(0), healed.ToString());
        Assert.That(ErpOrdersOf("P-1"), Is.EqualTo(new[] { number }), "the reference was found: no second order");
        Assert.That(await _portal.ErpNumberOfAsync("P-1"), Is.EqualTo(number));
    }

    [Test]
    public async Task Run_Since_RereadsAnOrderOnceItsCustomerIsApproved()
    {
        await SeedAsync(Order("P-1", account: "ACC-2", po: "A", updatedAt: PortalFixture.LocalMinutesAgo(60)));
        Run();
        Assert.That(Orders()["out_of_scope"]!.GetValue<int>(), Is.EqualTo(1));
        ErpFixture.Execute(DataPath, "UPDATE customers SET approved = 1 WHERE customer_no = 'C-2';");

        var plain = Run();
        Assert.That(Orders()["pulled"]!.GetValue<int>(), Is.EqualTo(0), "outside the window: " + plain.Stdout);

        var since = Run("--since", DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(since.ExitCode, Is.EqualTo(0), since.ToString());
        Assert.That(ErpOrdersOf("P-1"), Has.Count.EqualTo(1));
    }
}
