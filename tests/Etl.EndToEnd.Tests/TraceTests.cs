using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Etl.EndToEnd.Tests.Support;
using Snapshooter.NUnit;

namespace Etl.EndToEnd.Tests;

/// <summary>
/// The support trail through the real etl command: etl trace (one record across runs, deliveries and the portal) and
/// etl orders show (both sides of one order and every decision about it), against the sandbox portal over HTTP.
/// </summary>
[TestFixture]
public sealed partial class TraceTests
{
    private const string InventoryHeader = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\n";
    private DataRoot _root = null!;
    private PortalFixture _portal = null!;

    [SetUp]
    public async Task SetUp()
    {
        _root = new DataRoot();
        _portal = await PortalFixture.StartAsync(_root.Path);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _portal.DisposeAsync();
        _root.Dispose();
    }

    private EtlResult Etl(params string[] args) => EtlCommand.Run(EtlCommand.RepositoryRoot, _portal.Environment(), [.. args, "--data-root", _root.Path]);

    private string RunPipeline(string json)
    {
        var pipeline = Path.Combine(_root.Path, "pipeline.json");
        File.WriteAllText(pipeline, json);
        var result = Etl("run", pipeline);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return _root.RunIds().Last();
    }

    private string InventoryRun(string name, string rows)
    {
        _root.Drop("inventory", name, InventoryHeader + rows);
        return RunPipeline("""{ "entities": { "inventory": { "source": "drop" } } }""");
    }

    private JsonNode Json(params string[] args)
    {
        var result = Etl([.. args, "--json"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return JsonNode.Parse(result.Stdout)!;
    }

    private string Text(params string[] args)
    {
        var result = Etl(args);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return Stable(result.Stdout);
    }

    // Run ids, UTC times and the data root as DataRoot.Stable masks them; then portal-local times and the dates of folders.
    private string Stable(string text) => Date().Replace(LocalTime().Replace(_root.Stable(text), "<local-time>"), "<date>");

    [Test]
    public void Trace_RecordChangedThenInvalidThenFixed_ShowsEachStepWithPayloadBatchAndRule()
    {
        var first = InventoryRun("day1.csv", "A-1,MAIN,5,5,0\nB-2,MAIN,3,3,0\n");
        var second = InventoryRun("day2.csv", "A-1,MAIN,9,5,0\nB-2,MAIN,3,3,0\n");
        var third = InventoryRun("day3.csv", "A-1,MAIN,7,7,0\nB-2,MAIN,3,3,0\n");
        var payloads = _root.Payloads("inventory");
        Assert.That(payloads.Select(Path.GetFileName), Has.Exactly(2).Items, "the invalid run sends nothing");

        var trace = Json("trace", "inventory", "sku=A-1", "warehouse=MAIN");

        var runs = trace["runs"]!.AsArray();
        Assert.That(runs.Select(r => (string?)r!["run_id"]), Is.EqualTo(new[] { third, second, first }), "newest first");
        var fixedRun = runs[0]!;
        Assert.That((string?)fixedRun["outcome"], Is.EqualTo("sent"));
        Assert.That((string?)fixedRun["rows"]![0]!["values"]!["qty_available"], Is.EqualTo("7"));
        Assert.That((string?)fixedRun["changes"]![0]!["op"], Is.EqualTo("upsert"));
        Assert.That((string?)fixedRun["changes"]![0]!["batch_id"], Is.EqualTo($"inventory-{third}-0001"));
        Assert.That((string?)fixedRun["changes"]![0]!["payload"], Is.EqualTo(Path.GetRelativePath(_root.Path, payloads[1])));
        Assert.That((string?)fixedRun["changes"]![0]!["delivery"], Is.EqualTo("accepted"));
        var invalidRun = runs[1]!;
        Assert.That((string?)invalidRun["outcome"], Is.EqualTo("invalid"));
        Assert.That((bool?)invalidRun["rows"]![0]!["is_valid"], Is.False);
        Assert.That(invalidRun["changes"]!.AsArray(), Is.Empty);
        Assert.That((string?)invalidRun["invalid"]![0]!["rule"], Is.EqualTo("qty_balance"));
        Assert.That((string?)invalidRun["invalid"]![0]!["field"], Is.EqualTo("qty_available"));
        Assert.That((string?)invalidRun["invalid"]![0]!["value"], Is.EqualTo("9"));
        var firstRun = runs[2]!;
        Assert.That((string?)firstRun["changes"]![0]!["batch_id"], Is.EqualTo($"inventory-{first}-0001"));
        Assert.That((string?)firstRun["changes"]![0]!["payload"], Is.EqualTo(Path.GetRelativePath(_root.Path, payloads[0])));
        Assert.That((string?)trace["portal"]!["values"]!["qty_available"], Is.EqualTo("7"));
        Assert.That(trace["portal"]!["differences"]!.AsArray(), Is.Empty, "the portal agrees with the ERP's newest valid value");

        var untouched = Json("trace", "inventory", "sku=B-2", "warehouse=MAIN");
        Assert.That(untouched["runs"]!.AsArray().Select(r => (string?)r!["outcome"]), Is.EqualTo(new[] { "unchanged", "unchanged", "sent" }));

        Snapshot.Match(Text("trace", "inventory", "sku=A-1", "warehouse=MAIN"));
    }

    [Test]
    public void Trace_PayloadRedroppedAndRefused_ShowsEachDeliveryOfTheRecord()
    {
        InventoryRun("day1.csv", "A-1,MAIN,5,5,0\n");
        var sent = _root.Payloads("inventory").Single();
        var redropped = Path.Combine(_root.Outbox, Path.GetFileName(sent));
        File.WriteAllText(redropped, File.ReadAllText(sent).Replace("\"as_of\": \"20", "\"as_of\": \"29", StringComparison.Ordinal));
        File.Delete(sent);
        Assert.That(Etl("upload").ExitCode, Is.EqualTo(3), "a payload dated far ahead is refused");

        var change = Json("trace", "inventory", "sku=A-1", "warehouse=MAIN")["runs"]![0]!["changes"]![0]!;

        Assert.That((string?)change["location"], Is.EqualTo("failed"));
        Assert.That(change["deliveries"]!.AsArray().Select(d => (string?)d!["kind"]), Is.EqualTo(new[] { "accepted", "refused" }));
        Assert.That((string?)change["deliveries"]![1]!["detail"], Does.StartWith("re-dropped; refused by the uploader: as_of 29"));
        Assert.That((string?)change["delivery"], Is.EqualTo("refused"));
    }

    [Test]
    public void Trace_EntityWithDatesAndMoney_ShowsTheSnapshotValuesAsTheyWereSent()
    {
        _root.Drop("list_prices", "prices.csv", "sku,price_list,currency,list_price,uom,effective_date\nA-1,TRADE,EUR,12.50,EA,2026-01-01\n");
        RunPipeline("""{ "entities": { "list_prices": { "source": "drop" } } }""");

        var trace = Json("trace", "list_prices", "sku=A-1", "price_list=TRADE", "currency=EUR");

        var run = trace["runs"]![0]!;
        Assert.That((string?)run["outcome"], Is.EqualTo("sent"), run.ToJsonString());
        Assert.That((string?)run["rows"]![0]!["values"]!["effective_date"], Is.EqualTo("2026-01-01"));
        Assert.That((string?)run["rows"]![0]!["values"]!["list_price"], Is.EqualTo("12.5"));
        Assert.That((string?)trace["portal"]!["values"]!["list_price"], Is.EqualTo("12.5"));
        Assert.That(trace["portal"]!["differences"]!.AsArray(), Is.Empty);
    }

    [Test]
    public void Trace_PortalDown_StillShowsTheRunsAndSaysSo()
    {
        InventoryRun("day1.csv", "A-1,MAIN,5,5,0\n");
        var environment = _portal.Environment();
        environment["ETL_Portal__BaseUrl"] = "http://127.0.0.1:1/";

        var result = EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "trace", "inventory", "sku=A-1", "warehouse=MAIN", "--last", "1", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("Portal now:     portal not reachable").And.Contain("carried as upsert"));
    }

    [Test]
    public void Trace_UnknownOrMissingKeyFields_Exit2NamingThem()
    {
        var missing = Etl("trace", "inventory", "sku=A-1");
        var unknown = Etl("trace", "inventory", "sku=A-1", "warehouse=MAIN", "bin=7", "qty_available=5");
        var entity = Etl("trace", "inventori", "sku=A-1");

        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Stderr, Does.Contain("missing key field 'warehouse'").And.Contain("sku, warehouse"));
        Assert.That(unknown.ExitCode, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Stderr, Does.Contain("unknown key field 'bin'").And.Contain("'qty_available' is not a key field"));
        Assert.That(entity.ExitCode, Is.EqualTo(2), entity.ToString());
        Assert.That(entity.Stderr, Does.Contain("unknown entity 'inventori'"));
    }

    [Test]
    public void Help_TraceAndOrdersShow_HaveDescriptionAndExamples()
    {
        foreach (var command in new[] { "trace", "orders show" })
        {
            var result = EtlCommand.Run([.. command.Split(' '), "--help"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Stdout, Does.Contain("Examples:").And.Contain("--data-root").And.Contain("--json"), command);
        }
    }

    [Test]
    public async Task OrdersShow_EachMatchingPath_ShowsBothSidesAndEveryDecision()
    {
        ErpFixture.Execute(_root.Path, """
            INSERT INTO customers VALUES ('C-1', 'Acme', 'ACC-1', 1, 'TRADE', 'DG-A');
            INSERT INTO items VALUES ('A-1', 'Valve', 'EA', 'VALVES', 0.2, 1);
            INSERT INTO sales_orders VALUES
                ('SO-1', 'C-1', 'PO-LINK', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                ('SO-2', 'C-1', 'PO-DUP', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                ('SO-3', 'C-1', 'PO-DUP', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp');
            INSERT INTO sales_order_lines VALUES ('SO-1', 1, 'A-1', 2, 5);
            """);
        await _portal.PostAsync("sandbox/orders", new JsonArray(Order("P-CREATE", "PO-NEW"), Order("P-MATCH", "PO-LINK"), Order("P-AMBIG", "PO-DUP"),
            Order("P-NEW", "PO-LATER", status: "NEW")));
        RunPipeline("""{ "entities": {}, "orders": true }""");
        var created = ErpFixture.Column(_root.Path, "SELECT erp_order_no FROM sales_orders WHERE portal_order_id = 'P-CREATE'").Single();

        var byNumber = Json("orders", "show", "SO-1");
        Assert.That((string?)byNumber["matched_as"], Is.EqualTo("erp_order_no"));
        Assert.That((string?)byNumber["portal_order_id"], Is.EqualTo("P-MATCH"));
        Assert.That((string?)byNumber["portal"]!["erp_order_no"], Is.EqualTo("SO-1"));
        Assert.That(byNumber["trail"]!.AsArray().Select(t => (string?)t!["decision"]), Is.EqualTo(new[] { "linked", "back_updated" }));
        var held = Json("orders", "show", "P-AMBIG");
        Assert.That((string?)held["review"]!["reason"], Is.EqualTo("ambiguous_match"));
        Assert.That(held["erp"]!["orders"]!.AsArray(), Is.Empty);
        var skipped = Json("orders", "show", "P-NEW");
        Assert.That(skipped["trail"]!.AsArray().Select(t => (string?)t!["decision"]), Is.EqualTo(new[] { "skipped_status" }));
        Assert.That((string?)skipped["portal"]!["status"], Is.EqualTo("NEW"));
        var unknown = Etl("orders", "show", "P-NOWHERE");
        Assert.That(unknown.ExitCode, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Stderr, Does.Contain("no order 'P-NOWHERE'"));

        var shown = string.Concat(new[] { "P-CREATE", created, "SO-1", "P-AMBIG", "P-NEW" }.Select(id => $"$ etl orders show {id}\n{Text("orders", "show", id)}\n"));
        Snapshot.Match(shown);
    }

    private static JsonObject Order(string id, string po, string status = "ACKNOWLEDGED") => new()
    {
        ["id"] = id, ["account_id"] = "ACC-1", ["customer_po"] = po, ["status"] = status, ["currency"] = "EUR",
        ["created_at"] = PortalFixture.LocalMinutesAgo(10), ["updated_at"] = PortalFixture.LocalMinutesAgo(10),
        ["lines"] = new JsonArray(new JsonObject { ["line_no"] = 1, ["sku"] = "A-1", ["qty"] = 2, ["unit_price"] = 5 }),
    };

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")]
    private static partial Regex LocalTime();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex Date();
}
