using System.Text.Json.Nodes;
using Etl.Delivery.Tests.Support;

namespace Etl.Delivery.Tests.EndToEnd;

/// <summary>An operator moves a payload from sent/ or failed/ (or from wherever it was held) back into outbox/.</summary>
[TestFixture]
public sealed class RedropTests : DeliveryTestBase
{
    [Test]
    public async Task Redrop_DeliveredFile_IsNotPostedAgainAndKeepsItsFirstReceipt()
    {
        LaySampleDay(1);
        Assert.That(Nightly().ExitCode, Is.EqualTo(0));
        var delivered = Root.Sent().Single(p => p.Contains("_inventory_", StringComparison.Ordinal));
        var firstReceipt = File.ReadAllText(delivered[..^5] + ".receipt.json");
        var importsBefore = await Portal.ImportsAsync();
        File.Move(delivered, Path.Combine(Root.Outbox, Path.GetFileName(delivered)));

        var upload = Etl("upload");

        Assert.That(upload.ExitCode, Is.EqualTo(0), upload.ToString());
        Assert.That(upload.Stdout, Does.Contain("Upload: sent 1, failed 0, pending 0"));
        Assert.That(Root.Waiting(), Is.Empty);
        Assert.That(File.Exists(delivered), Is.True, "back in sent/");
        Assert.That(File.ReadAllText(delivered[..^5] + ".receipt.json"), Is.EqualTo(firstReceipt), "with its first receipt");
        Assert.That(await Portal.ImportsAsync(), Is.EqualTo(importsBefore), "no import call at all");
        await AssertPortalHoldsTheDeliveredRecordsAsync();
    }

    [Test]
    public async Task Redrop_HeldBackOlderPayloadAfterANewerRun_NeitherWinsNorLosesItsOwnRecords()
    {
        Root.Drop("inventory", "day1.csv", InventoryHeader + "A-1,MAIN,1,1,0\nA-2,MAIN,2,2,0\nA-3,MAIN,3,3,0\n", DateTime.UtcNow.AddMinutes(-10));
        Assert.That(Inventory("--no-upload").ExitCode, Is.EqualTo(0));
        var older = Root.Waiting().Single();
        var held = Path.Combine(Root.Path, Path.GetFileName(older));
        File.Move(older, held); // held back by an operator
        Root.Drop("inventory", "day2.csv", InventoryHeader + "A-1,MAIN,10,10,0\nA-2,MAIN,2,2,0\nA-3,MAIN,3,3,0\nA-4,MAIN,40,40,0\n");
        var newer = Inventory();
        Assert.That(newer.ExitCode, Is.EqualTo(0), newer.ToString());
        Assert.That(Quantities(await Portal.DataAsync("inventory")), Is.EqualTo("A-1=10 A-4=40"), "the newer run sent its changes only");

        File.Move(held, older);
        var upload = Etl("upload");

        Assert.That(upload.ExitCode, Is.EqualTo(0), upload.ToString());
        Assert.That(Quantities(await Portal.DataAsync("inventory")), Is.EqualTo("A-1=10 A-2=2 A-3=3 A-4=40"), "A-1 stays at the newer 10; A-2 and A-3 arrive");
        var receipt = DataRoot.Receipt(Root.Sent().Single(p => Path.GetFileName(p) == Path.GetFileName(older)));
        Assert.That(receipt["accepted"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(receipt["superseded"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(receipt["idempotency_key"]!.GetValue<string>(), Does.StartWith(receipt["batch_id"]!.GetValue<string>() + "-redrop-"));

        // Dropped once more: the ledger knows this body was delivered; nothing is posted.
        var imports = await Portal.ImportsAsync();
        File.Move(Root.Sent().Single(p => Path.GetFileName(p) == Path.GetFileName(older)), older);
        Assert.That(Etl("upload").ExitCode, Is.EqualTo(0));
        Assert.That(await Portal.ImportsAsync(), Is.EqualTo(imports));
        Assert.That(Quantities(await Portal.DataAsync("inventory")), Is.EqualTo("A-1=10 A-2=2 A-3=3 A-4=40"));
    }

    [Test]
    public async Task Redrop_HeldBackPayloadWhollyOvertaken_IsNotPostedAndSaysSo()
    {
        Root.Drop("inventory", "day1.csv", InventoryHeader + "A-1,MAIN,1,1,0\n", DateTime.UtcNow.AddMinutes(-10));
        Assert.That(Inventory("--no-upload").ExitCode, Is.EqualTo(0));
        var older = Root.Waiting().Single();
        var held = Path.Combine(Root.Path, Path.GetFileName(older));
        File.Move(older, held);
        Root.Drop("inventory", "day2.csv", InventoryHeader + "A-1,MAIN,10,10,0\n");
        Assert.That(Inventory().ExitCode, Is.EqualTo(0));
        var imports = await Portal.ImportsAsync();

        File.Move(held, older);
        var upload = Etl("upload");

        Assert.That(upload.ExitCode, Is.EqualTo(0), upload.ToString());
        Assert.That(await Portal.ImportsAsync(), Is.EqualTo(imports), "nothing left to post");
        Assert.That(Quantities(await Portal.DataAsync("inventory")), Is.EqualTo("A-1=10"));
        var receipt = DataRoot.Receipt(Root.Sent().Single(p => Path.GetFileName(p) == Path.GetFileName(older)));
        Assert.That(receipt["import_id"], Is.Null);
        Assert.That(receipt["accepted"]!.GetValue<int>(), Is.Zero);
        Assert.That(receipt["superseded"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Redrop_RefusedPayloadAfterTheFault_IsDeliveredUnderItsOwnKey()
    {
        await Portal.SetFaultsAsync("""{ "fail_next": 1, "fail_status": 422 }""");
        Root.Drop("inventory", "day1.csv", InventoryHeader + "A-1,MAIN,1,1,0\n");
        Assert.That(Inventory().ExitCode, Is.EqualTo(3));
        var refused = Root.Refused().Single();

        File.Move(refused, Path.Combine(Root.Outbox, Path.GetFileName(refused)));
        var upload = Etl("upload");

        Assert.That(upload.ExitCode, Is.EqualTo(0), upload.ToString());
        Assert.That(Quantities(await Portal.DataAsync("inventory")), Is.EqualTo("A-1=1"));
        var receipt = DataRoot.Receipt(Root.Sent().Single());
        Assert.That(receipt.ContainsKey("idempotency_key"), Is.False, "a refused call does not take the key");
    }

    [Test]
    public async Task Upload_PayloadFromTheFuture_IsRefusedIntoFailed()
    {
        var path = Root.WritePayload("inventory", "20261130T020000Z-abcdef", 1, DateTimeOffset.UtcNow.AddHours(2),
            new JsonObject { ["op"] = "upsert", ["sku"] = "Z-1", ["warehouse"] = "MAIN", ["qty_available"] = 1 });

        var upload = Etl("upload");

        Assert.That(upload.ExitCode, Is.EqualTo(3), upload.ToString());
        var refused = Path.Combine(Root.Failed, Path.GetFileName(path));
        Assert.That(File.Exists(refused), Is.True);
        var error = DataRoot.Error(refused);
        Assert.That(error["batch_id"]!.GetValue<string>(), Is.EqualTo("inventory-20261130T020000Z-abcdef-0001"));
        Assert.That(error["status"], Is.Null, "refused by the uploader, not the portal");
        Assert.That(error["problem"]!["detail"]!.GetValue<string>(), Does.Contain("more than 1 hour(s) ahead"));
        Assert.That(error.ContainsKey("failed_at"), Is.True);
        Assert.That(await Portal.ImportsAsync(), Is.Zero);
    }

    private static string Quantities(JsonArray records) =>
        string.Join(' ', records.Select(r => $"{r!["sku"]}={r["qty_available"]}").Order(StringComparer.Ordinal));
}
