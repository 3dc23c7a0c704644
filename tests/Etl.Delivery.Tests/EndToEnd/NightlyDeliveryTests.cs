using System.Text.Json.Nodes;
using Etl.Delivery.Tests.Support;

namespace Etl.Delivery.Tests.EndToEnd;

/// <summary>Nightly runs on the sample days deliver to the portal, also when it throttles, locks, fails or crawls.</summary>
[TestFixture]
public sealed class NightlyDeliveryTests : DeliveryTestBase
{
    /// <summary>Records per entity the portal holds after each sample day (sample-data/README.md: valid day-1 keys, then + added - removed).</summary>
    private static readonly Dictionary<string, int[]> Counts = new()
    {
        ["customers"] = [12, 13], ["items"] = [20, 21], ["list_prices"] = [23, 24], ["costs"] = [23, 23],
        ["discounts"] = [11, 13], ["fixed_prices"] = [13, 15], ["inventory"] = [23, 24], ["order_status"] = [6, 7],
    };

    [Test]
    public async Task Nightly_TwoSampleDays_PortalHoldsExactlyTheErpsValidRecords()
    {
        LaySampleDay(1);
        var first = Nightly();
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        await AssertCountsAsync(day: 1);
        LaySampleDay(2);
        var second = Nightly();
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());

        Assert.That(Root.Waiting(), Is.Empty, "the drain leaves nothing behind");
        Assert.That(Root.Refused(), Is.Empty);
        Assert.That(Root.Sent(), Has.Count.EqualTo(16), "8 payloads a day");
        await AssertCountsAsync(day: 2);
        await AssertPortalHoldsTheDeliveredRecordsAsync();
        var inventory = ExpectedPortal.ByKey("inventory", await Portal.DataAsync("inventory"));
        Assert.That(JsonNode.Parse(inventory["PIPE-015\u001FMAIN"])!["qty_available"]!.GetValue<int>(), Is.EqualTo(185), "changed on day 2");
        Assert.That(inventory.ContainsKey("TOOL-BND\u001FMAIN"), Is.False, "removed on day 2");
        var fixedPrices = ExpectedPortal.ByKey("fixed_prices", await Portal.DataAsync("fixed_prices"));
        Assert.That(JsonNode.Parse(fixedPrices["C-1002\u001FFIT-E15\u001FEUR"])!["fixed_price"]!.GetValue<decimal>(), Is.EqualTo(0.72m), "invalid on day 2: the portal keeps day 1's");
        Assert.That(await Portal.ImportsAsync(), Is.EqualTo(16), "each payload imported once");

        var summary = Root.Summary(Root.RunIds()[1]);
        Assert.That(summary["upload"]!.ToJsonString(), Is.EqualTo("""{"sent":8,"failed":0,"pending":0,"rejected_records":0}"""));
        var receipt = DataRoot.Receipt(Root.Sent()[0]);
        Assert.That(receipt.Select(p => p.Key), Is.EqualTo(new[] { "batch_id", "import_id", "accepted", "rejected", "delivered_at" }));
        Assert.That(Root.FilesContaining(Portal.ApiKey), Is.Empty, "the key is in no log, report, receipt or state");
        Assert.That(first.Stdout + first.Stderr + second.Stdout + second.Stderr, Does.Not.Contain(Portal.ApiKey));
    }

    [TestCase("""{ "rate_limit_per_second": 2, "burst": 1 }""", 429, TestName = "Nightly_429Storm_DeliversEverything")]
    [TestCase("""{ "fail_next": 3, "fail_status": 423 }""", 423, TestName = "Nightly_423Locks_DeliversEverything")]
    [TestCase("""{ "fail_next": 4, "fail_status": 503 }""", 503, TestName = "Nightly_503Burst_DeliversEverything")]
    [TestCase("""{ "malformed_next": 2 }""", 200, TestName = "Nightly_AnswersCutShort_DeliversEverythingOnce")]
    [TestCase("""{ "delay_ms": 700 }""", 200, TestName = "Nightly_SlowPortal_DeliversEverything")]
    public async Task Nightly_UnderFault_DeliversEverything(string faults, int faultStatus)
    {
        await Portal.SetFaultsAsync(faults);
        LaySampleDay(1);

        var run = Nightly();

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(Root.Waiting(), Is.Empty);
        Assert.That(Root.Sent(), Has.Count.EqualTo(8));
        var requests = (await Portal.RequestsAsync())["POST /api/v1/imports/{entity}"]!.AsObject();
        TestContext.Out.WriteLine($"{TestContext.CurrentContext.Test.Name}: import calls by status {requests.ToJsonString()}");
        if (faultStatus != 200) Assert.That(requests[faultStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.GetValue<int>(), Is.GreaterThan(0), "the fault was met");
        await Portal.SetFaultsAsync("{}");
        await AssertPortalHoldsTheDeliveredRecordsAsync();
    }

    [Test]
    public async Task Nightly_PortalSlowerThanTheTimeout_PayloadsStayExit3ThenUploadDelivers()
    {
        await Portal.SetFaultsAsync("""{ "delay_ms": 3000 }""");
        LaySampleDay(1);
        var environment = Portal.Environment();
        environment["ETL_Portal__Timeout"] = "00:00:01";
        environment["ETL_Portal__MaxAttempts"] = "2";

        var run = EtlWith(environment, ["run", "nightly", "--only", AllEntities]);

        Assert.That(run.ExitCode, Is.EqualTo(3), run.ToString());
        Assert.That(Root.Waiting(), Has.Count.EqualTo(8), "the pass stops at the first payload; all stay");
        var summary = Root.Summary(Root.RunIds()[0]);
        Assert.That(summary["upload"]!["pending"]!.GetValue<int>(), Is.EqualTo(8));
        Assert.That(run.Stdout, Does.Contain("could not be delivered").And.Contain("Portal:Timeout"));

        await Portal.SetFaultsAsync("{}");
        var upload = Etl("upload");
        Assert.That(upload.ExitCode, Is.EqualTo(0), upload.ToString());
        Assert.That(upload.Stdout, Does.Contain("Upload: sent 8, failed 0, pending 0, rejected records 0."));
        await AssertPortalHoldsTheDeliveredRecordsAsync();
    }

    [Test]
    public async Task Nightly_EmptyBaseUrl_DeliversToTheInProcessSandbox()
    {
        LaySampleDay(1);
        var environment = new Dictionary<string, string> { ["ETL_Drop__SettleTime"] = "00:00:00", ["ETL_Portal__MaxRetryDelay"] = "00:00:01" };

        var run = EtlWith(environment, ["run", "nightly", "--only", AllEntities]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(Root.Sent(), Has.Count.EqualTo(8));
        var stateFile = Path.Combine(Root.Path, "portal-sandbox.db");
        Assert.That(File.Exists(stateFile), Is.True, "the sandbox's state lives in the data root");
        await using var embedded = await Sandbox.StartAsync(stateFile);
        Assert.That(await embedded.DataAsync("items"), Has.Count.EqualTo(20), "and is durable: a later sandbox on the file sees the delivery");
    }

    private async Task AssertCountsAsync(int day)
    {
        foreach (var (entity, counts) in Counts)
        {
            Assert.That(await Portal.DataAsync(entity), Has.Count.EqualTo(counts[day - 1]), $"{entity} after day {day}");
        }
    }
}
