using System.Text.Json.Nodes;
using Etl.Delivery.Tests.Support;

namespace Etl.Delivery.Tests.EndToEnd;

/// <summary>What the portal refuses: whole payloads (failed/), single records (the receipt), and the key (exit 2).</summary>
[TestFixture]
public sealed class RefusalTests : DeliveryTestBase
{
    private const string Stock = InventoryHeader + "A-1,MAIN,1,1,0\nA-2,MAIN,2,2,0\nA-3,MAIN,3,3,0\n";

    [Test]
    public async Task Refused_BodyOfAnotherEntity_LandsInFailedWithTheReasonAndTheNextRunResendsItsKeys()
    {
        Root.Drop("inventory", "day1.csv", Stock, DateTime.UtcNow.AddMinutes(-10));
        Assert.That(Inventory("--no-upload").ExitCode, Is.EqualTo(0));
        var payload = Root.Waiting().Single();
        File.WriteAllText(payload, File.ReadAllText(payload).Replace("\"entity\": \"inventory\"", "\"entity\": \"items\"", StringComparison.Ordinal));

        var upload = Etl("upload");

        Assert.That(upload.ExitCode, Is.EqualTo(3), upload.ToString());
        Assert.That(upload.Stdout, Does.Contain("Upload: sent 0, failed 1, pending 0"));
        var refused = Path.Combine(Root.Failed, Path.GetFileName(payload));
        Assert.That(File.Exists(refused), Is.True);
        var error = DataRoot.Error(refused);
        Assert.That(error.Select(p => p.Key), Is.EqualTo(new[] { "batch_id", "status", "problem", "failed_at" }));
        Assert.That(error["status"]!.GetValue<int>(), Is.EqualTo(400));
        Assert.That(error["problem"]!["detail"]!.GetValue<string>(), Does.Contain("differs from the path"), "the portal's own reasons");
        Assert.That(await Portal.DataAsync("inventory"), Is.Empty);

        // The same ERP data again: the refused keys were "forgotten", so they are sent again.
        Root.Drop("inventory", "day2.csv", Stock);
        var next = Inventory();

        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        Assert.That(await Portal.DataAsync("inventory"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Refused_422_RunExits3AndItsSummaryCountsTheFailure()
    {
        await Portal.SetFaultsAsync("""{ "fail_next": 1, "fail_status": 422 }""");
        Root.Drop("inventory", "day1.csv", Stock);

        var run = Inventory();

        Assert.That(run.ExitCode, Is.EqualTo(3), run.ToString());
        var summary = Root.Summary(Root.RunIds().Single());
        Assert.That(summary["upload"]!.ToJsonString(), Is.EqualTo("""{"sent":0,"failed":1,"pending":0,"rejected_records":0}"""));
        Assert.That(summary["notices"]!.AsArray().Select(n => n!.GetValue<string>()), Has.Some.Contains("refused by the portal (422)"));
        var error = DataRoot.Error(Root.Refused().Single());
        Assert.That(error["status"]!.GetValue<int>(), Is.EqualTo(422));
        Assert.That(error["problem"]!["detail"]!.GetValue<string>(), Is.EqualTo("Injected failure."));
    }

    [Test]
    public async Task Rejected_FixedPriceOfAnUnknownCustomer_IsListedWithItsKeyAndSentAgainByTheNextRun()
    {
        await Portal.ImportAsync("customers", "seed-c1", """{"batch_id":"seed-c1","entity":"customers","records":[{"op":"upsert","customer_no":"C-1","name":"One","portal_account_id":null,"approved":true,"price_list":null,"discount_group":null}]}""");
        var pipeline = Path.Combine(Root.Path, "prices.json");
        File.WriteAllText(pipeline, """{ "entities": { "fixed_prices": { "source": "drop" } } }""");
        const string Prices = "customer_no,sku,currency,fixed_price,valid_from,valid_to\nC-1,A-1,EUR,5.5,2026-01-01,\nC-2,A-1,EUR,6,2026-01-01,\n";
        Root.Drop("fixed_prices", "day1.csv", Prices, DateTime.UtcNow.AddMinutes(-10));

        var first = Etl("run", pipeline);

        Assert.That(first.ExitCode, Is.EqualTo(0), "a rejected record is reported, not a failure\n" + first);
        var receipt = DataRoot.Receipt(Root.Sent().Single());
        var rejected = receipt["rejected"]!.AsArray().Single()!;
        Assert.That(rejected["index"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(rejected["code"]!.GetValue<string>(), Is.EqualTo("unknown_customer"));
        Assert.That(rejected["key"]!.ToJsonString(), Is.EqualTo("""{"customer_no":"C-2","sku":"A-1","currency":"EUR"}"""));
        Assert.That(Root.Summary(Root.RunIds().Single())["upload"]!["rejected_records"]!.GetValue<int>(), Is.EqualTo(1));

        await Portal.ImportAsync("customers", "seed-c2", """{"batch_id":"seed-c2","entity":"customers","records":[{"op":"upsert","customer_no":"C-2","name":"Two","portal_account_id":null,"approved":true,"price_list":null,"discount_group":null}]}""");
        Root.Drop("fixed_prices", "day2.csv", Prices);
        var second = Etl("run", pipeline);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        var resent = Root.Sent().Select(p => JsonNode.Parse(File.ReadAllText(p))!).Last();
        Assert.That(resent["records"]!.AsArray().Select(r => r!["customer_no"]!.GetValue<string>()), Is.EqualTo(new[] { "C-2" }), "only the rejected record is sent again");
        Assert.That(await Portal.DataAsync("fixed_prices"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task BadKey_Exits2LeavesThePayloadAndNeverShowsTheKey()
    {
        const string WrongKey = "wr0ng-k3y-7f3a9c";
        var wrong = Portal.Environment(apiKey: WrongKey);
        Root.Drop("inventory", "day1.csv", Stock);

        var run = EtlWith(wrong, ["run", "intraday", "--only", "inventory"]);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(Root.Waiting(), Has.Count.EqualTo(1), "the payload stays");
        Assert.That(run.Stdout, Does.Contain("refused the API key (401)").And.Contain("Portal:ApiKey"));
        Assert.That(Root.Summary(Root.RunIds().Single())["upload"]!["pending"]!.GetValue<int>(), Is.EqualTo(1));

        var upload = EtlWith(wrong, ["upload"]);
        Assert.That(upload.ExitCode, Is.EqualTo(2), upload.ToString());
        Assert.That(Root.Waiting(), Has.Count.EqualTo(1));
        Assert.That(run.Stdout + run.Stderr + upload.Stdout + upload.Stderr, Does.Not.Contain(WrongKey));
        Assert.That(Root.FilesContaining(WrongKey), Is.Empty);

        var fixedKey = Etl("upload");
        Assert.That(fixedKey.ExitCode, Is.EqualTo(0), fixedKey.ToString());
        Assert.That(await Portal.DataAsync("inventory"), Has.Count.EqualTo(3));
    }
}
