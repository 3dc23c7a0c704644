using System.Net;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Control;

public sealed class ControlApiTests : SandboxTestBase
{
    [Test]
    public async Task SeedOrders_NewOrders_AnswersCountAndDefaultsToNew()
    {
        await FreezeClockAsync("2026-03-01T10:00:00");

        var answer = await SeedAsync(new JsonObject { ["id"] = "P-1" }, Order("P-2", "2026-02-01T09:00:00", "ACKNOWLEDGED"));
        var p1 = await GetOrderAsync("P-1");
        var p2 = await GetOrderAsync("P-2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["upserted"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(p1["status"]!.GetValue<string>(), Is.EqualTo("NEW"));
            Assert.That(p2["status"]!.GetValue<string>(), Is.EqualTo("ACKNOWLEDGED"));
            Assert.That(p2["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-02-01T09:00:00"));
            Assert.That(p2["created_at"]!.GetValue<string>(), Is.EqualTo("2026-02-01T09:00:00"));
        }
    }

    [Test]
    public async Task SeedOrders_ExistingOrder_MergesKeepingOmittedFields()
    {
        await SeedAsync(Order("P-1", "2026-02-01T09:00:00"));
        await FreezeClockAsync("2026-03-01T10:00:00");

        await SeedAsync(new JsonObject { ["id"] = "P-1", ["status"] = "ACKNOWLEDGED" });
        var order = await GetOrderAsync("P-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(order["status"]!.GetValue<string>(), Is.EqualTo("ACKNOWLEDGED"));
            Assert.That(order["customer_po"]!.GetValue<string>(), Is.EqualTo("PO-P-1"));
            Assert.That(order["lines"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That(order["created_at"]!.GetValue<string>(), Is.EqualTo("2026-02-01T09:00:00"));
            Assert.That(order["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-03-01T10:00:00"));
        }
    }

    [Test]
    public async Task SeedOrders_ExistingOrderWithExplicitUpdatedAt_KeepsGivenTime()
    {
        await SeedAsync(Order("P-1", "2026-02-01T09:00:00"));
        await FreezeClockAsync("2026-03-01T10:00:00");

        await SeedAsync(new JsonObject { ["id"] = "P-1", ["status"] = "ON_HOLD", ["updated_at"] = "2026-02-02T00:00:00" });

        Assert.That((await GetOrderAsync("P-1"))["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-02-02T00:00:00"));
    }

    [Test]
    public async Task SeedOrders_UnchangedOrder_KeepsUpdatedAt()
    {
        await SeedAsync(Order("P-1", "2026-02-01T09:00:00"));
        await FreezeClockAsync("2026-03-01T10:00:00");

        await SeedAsync(new JsonObject { ["id"] = "P-1", ["currency"] = "USD" });

        Assert.That((await GetOrderAsync("P-1"))["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-02-01T09:00:00"));
    }

    [TestCase("""{"id":"P-1"}""")]
    [TestCase("""[{"status":"NEW"}]""")]
    [TestCase("""[{"id":""}]""")]
    [TestCase("""[{"id":"P-1","updated_at":"2026-03-01T10:00:00Z"}]""")]
    [TestCase("""[{"id":"P-1","updatedAt":"2026-03-01T10:00:00"}]""")]
    [TestCase("""[{"id":"P-1","lines":[{"line_no":"1"}]}]""")]
    [TestCase("""[{"id":"P-1"},{"id":"P-2","status":null}]""")]
    public async Task SeedOrders_NotOrders_Returns400AndSeedsNothing(string body)
    {
        await AssertProblemAsync(PostAsync("sandbox/orders", body), HttpStatusCode.BadRequest);

        await AssertProblemAsync(Client.GetAsync("api/v1/orders/P-1"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Reset_AfterActivity_EmptiesStateFaultsClockAndCounts()
    {
        await SeedAsync(Order("P-1", "2026-02-01T09:00:00"));
        var payload = Payload("items", Upsert(("sku", "A")));
        await ImportAsync("k1", payload);
        await FreezeClockAsync("2020-01-01T00:00:00");
        await SetFaultsAsync("""{"fail_next":1}""");

        var reset = await OkJsonAsync(PostAsync("sandbox/reset", "{}"));
        var requests = await GetJsonAsync("sandbox/requests");
        var items = await DataAsync("items");
        await AssertProblemAsync(Client.GetAsync("api/v1/orders/P-1"), HttpStatusCode.NotFound);
        var again = await ImportAsync("k1", Payload("items", Upsert(("sku", "B"))));
        await SeedAsync(new JsonObject { ["id"] = "P-2" });
        var stamped = (await GetOrderAsync("P-2"))["updated_at"]!.GetValue<string>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reset, Is.Not.Null);
            Assert.That(requests["requests"]!.AsObject(), Is.Empty);
            Assert.That(items, Is.Empty);
            Assert.That(again["accepted"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(stamped, Does.Not.StartWith("2020"));
        }
    }

    [Test]
    public async Task Requests_ApiCalls_CountedByMethodRouteTemplateAndStatus()
    {
        await SeedAsync(Order("P-1", "2026-02-01T09:00:00"));
        await SetFaultsAsync("""{"lock_orders":{"P-1":2}}""");
        for (var i = 0; i < 3; i++)
        {
            using var _ = await Client.GetAsync("api/v1/orders/P-1");
        }

        using var badKey = NewClient("bad");
        using (await Client.GetAsync("api/v1/orders/P-9"))
        using (await Client.GetAsync("api/v1/orders?updated_from=2026-02-01T00:00:00&updated_to=2026-03-01T00:00:00"))
        using (await PostAsync("api/v1/imports/items", Payload("items"), "k1"))
        using (await PostAsync("api/v1/imports/widgets", Payload("widgets"), "k2"))
        using (await badKey.GetAsync("api/v1/data/items"))
        {
        }

        var requests = (await GetJsonAsync("sandbox/requests"))["requests"]!;

        Assert.That(requests.ToJsonString(), Is.EqualTo(new JsonObject
        {
            ["GET /api/v1/data/{entity}"] = new JsonObject { ["401"] = 1 },
            ["GET /api/v1/orders"] = new JsonObject { ["200"] = 1 },
            ["GET /api/v1/orders/{id}"] = new JsonObject { ["200"] = 1, ["404"] = 1, ["423"] = 2 },
            ["POST /api/v1/imports/{entity}"] = new JsonObject { ["200"] = 1, ["404"] = 1 },
        }.ToJsonString()));
    }
}
