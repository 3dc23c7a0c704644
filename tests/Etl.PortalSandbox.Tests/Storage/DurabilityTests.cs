using System.Net;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Storage;

public sealed class DurabilityTests : SandboxTestBase
{
    [Test]
    public async Task Restart_SameStateFile_KeepsOrdersRecordsAndIdempotencyKeys()
    {
        await SeedAsync(Order("P-1", "2026-02-01T09:00:00", "ACKNOWLEDGED"));
        await OkJsonAsync(PutAsync("api/v1/orders/P-1/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }));
        var payload = Payload("items", Upsert(("sku", "A"), ("description", "Pipe")));
        var first = await ImportAsync("k1", payload);
        var orderBefore = await GetOrderAsync("P-1");

        await StopAsync();
        await StartAsync();

        var orderAfter = await GetOrderAsync("P-1");
        var replay = await ImportAsync("k1", payload);
        var items = await DataAsync("items");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(orderAfter.ToJsonString(), Is.EqualTo(orderBefore.ToJsonString()));
            Assert.That(replay.ToJsonString(), Is.EqualTo(first.ToJsonString()));
            Assert.That(items.ToJsonString(), Is.EqualTo("""[{"sku":"A","description":"Pipe"}]"""));
        }

        await AssertProblemAsync(PostAsync("api/v1/imports/items", Payload("items"), "k1"), (HttpStatusCode)422);
    }

    [Test]
    public async Task Restart_AfterFaultsAndFrozenClock_StartsWithoutThem()
    {
        await SetFaultsAsync("""{"fail_next":3}""");
        await FreezeClockAsync("2020-01-01T00:00:00");

        await StopAsync();
        await StartAsync();

        await SeedAsync(new JsonObject { ["id"] = "P-1" });
        Assert.That((await GetOrderAsync("P-1"))["updated_at"]!.GetValue<string>(), Does.Not.StartWith("2020"));
    }

    [Test]
    public async Task Answer_Received_AlreadyCommittedToStateFile()
    {
        await ImportAsync("k1", Payload("items", Upsert(("sku", "A"))));

        // Another reader of the file sees the import while the sandbox still runs.
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={StateFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM records WHERE entity = 'items'";

        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(1L));
    }

    [Test]
    public async Task WaitForShutdown_TokenCancelled_ReturnsAndStopsListening()
    {
        using var cts = new CancellationTokenSource();
        var waiting = Sandbox.WaitForShutdownAsync(cts.Token);
        Assert.That(waiting.IsCompleted, Is.False);

        await cts.CancelAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(async () => await Client.GetAsync("api/v1/data/items"), Throws.InstanceOf<HttpRequestException>());
    }
}
