using System.Net;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Api;

public sealed class OrdersApiTests : SandboxTestBase
{
    private const string T0 = "2026-03-01T10:00:00";

    [Test]
    public async Task ListOrders_ManyOrdersShareOneUpdatedAtAcrossPages_EachOrderOnceInOrder()
    {
        var orders = new List<JsonObject> { Order("Z-before", "2026-03-01T09:59:59") };
        orders.AddRange(Enumerable.Range(0, 23).Select(i => Order($"O-{i:D3}", T0)));
        orders.Add(Order("A-after", "2026-03-01T10:00:01"));
        await SeedAsync([.. orders]);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = $"api/v1/orders?updated_from=2026-03-01T00:00:00&updated_to=2026-03-02T00:00:00&limit=5"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await GetJsonAsync(query);
            seen.AddRange(page["orders"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 50);

        var expected = new List<string> { "Z-before" };
        expected.AddRange(Enumerable.Range(0, 23).Select(i => $"O-{i:D3}"));
        expected.Add("A-after");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen, Is.EqualTo(expected));
            Assert.That(pages, Is.EqualTo(5));
        }
    }

    [Test]
    public async Task ListOrders_Window_IncludesFromAndExcludesTo()
    {
        await SeedAsync(
            Order("early", "2026-03-01T09:59:59"),
            Order("at-from", "2026-03-01T10:00:00"),
            Order("inside", "2026-03-01T10:30:00"),
            Order("at-to", "2026-03-01T11:00:00"));

        var page = await GetJsonAsync("api/v1/orders?updated_from=2026-03-01T10:00:00&updated_to=2026-03-01T11:00:00");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ids(page), Is.EqualTo(new[] { "at-from", "inside" }));
            Assert.That(page["next_cursor"], Is.Null);
        }
    }

    [Test]
    public async Task ListOrders_EqualUpdatedAt_SortedByIdOrdinally()
    {
        await SeedAsync(Order("a", T0), Order("_", T0), Order("B", T0), Order("10", T0), Order("9", T0));

        var page = await GetJsonAsync($"api/v1/orders?updated_from={T0}&updated_to=2026-03-01T10:00:01");

        Assert.That(Ids(page), Is.EqualTo(new[] { "10", "9", "B", "_", "a" }));
    }

    [Test]
    public async Task ListOrders_StatusFilter_ReturnsOnlyListedStatuses()
    {
        await SeedAsync(
            Order("n", T0, "NEW"),
            Order("a", T0, "ACKNOWLEDGED"),
            Order("h", T0, "ON_HOLD"),
            Order("c", T0, "CANCELLED"));

        var page = await GetJsonAsync($"api/v1/orders?updated_from={T0}&updated_to=2026-03-02T00:00:00&status=ACKNOWLEDGED,ON_HOLD");

        Assert.That(Ids(page), Is.EqualTo(new[] { "a", "h" }));
    }

    [Test]
    public async Task ListOrders_NoLimit_DefaultsTo50WithNextCursor()
    {
        await SeedAsync([.. Enumerable.Range(0, 55).Select(i => Order($"O-{i:D3}", T0))]);

        var page = await GetJsonAsync("api/v1/orders?updated_from=2026-03-01T00:00:00&updated_to=2026-03-02T00:00:00");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page["orders"]!.AsArray(), Has.Count.EqualTo(50));
            Assert.That(page["next_cursor"]?.GetValue<string>(), Is.Not.Empty);
        }
    }

    [Test]
    public async Task ListOrders_ExactlyLimitOrders_LastPageHasNullCursor()
    {
        await SeedAsync(Order("a", T0), Order("b", T0), Order("c", T0));

        var page = await GetJsonAsync("api/v1/orders?updated_from=2026-03-01T00:00:00&updated_to=2026-03-02T00:00:00&limit=3");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ids(page), Has.Length.EqualTo(3));
            Assert.That(page["next_cursor"], Is.Null);
        }
    }

    [TestCase("0")]
    [TestCase("101")]
    [TestCase("-1")]
    [TestCase("ten")]
    [TestCase("")]
    public async Task ListOrders_LimitOutOfRange_Returns400(string limit)
    {
        await AssertProblemAsync(Client.GetAsync($"api/v1/orders?updated_from={T0}&updated_to={T0}&limit={limit}"), HttpStatusCode.BadRequest);
    }

    [TestCase("2026-03-01T10:00:00Z")]
    [TestCase("2026-03-01T10:00:00+01:00")]
    [TestCase("2026-03-01T10:00:00.000")]
    [TestCase("2026-03-01 10:00:00")]
    [TestCase("2026-03-01T10:00")]
    [TestCase("2026-03-01")]
    [TestCase("2026-02-30T10:00:00")]
    public async Task ListOrders_TimeNotLocalPortalForm_Returns400(string time)
    {
        var escaped = Uri.EscapeDataString(time);
        await AssertProblemAsync(Client.GetAsync($"api/v1/orders?updated_from={escaped}&updated_to=2026-03-02T00:00:00"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(Client.GetAsync($"api/v1/orders?updated_from={T0}&updated_to={escaped}"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ListOrders_CursorNotIssued_Returns400()
    {
        await AssertProblemAsync(Client.GetAsync($"api/v1/orders?updated_from={T0}&updated_to=2026-03-02T00:00:00&cursor=not-a-cursor"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ListOrders_OrderUpdatedWhilePaging_MovesPastWindowEnd()
    {
        await FreezeClockAsync("2026-03-01T12:00:00");
        await SeedAsync(Order("a", T0), Order("b", T0), Order("c", T0));
        const string window = $"api/v1/orders?updated_from={T0}&updated_to=2026-03-01T11:00:00&limit=1";
        var first = await GetJsonAsync(window);
        Assert.That(Ids(first), Is.EqualTo(new[] { "a" }));

        await OkJsonAsync(PutAsync("api/v1/orders/b/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }));
        var second = await GetJsonAsync($"{window}&cursor={Uri.EscapeDataString(first["next_cursor"]!.GetValue<string>())}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ids(second), Is.EqualTo(new[] { "c" }));
            Assert.That(second["next_cursor"], Is.Null);
        }
    }

    [Test]
    public async Task GetOrder_SeededWithDefaults_HasContractShape()
    {
        await FreezeClockAsync("2026-03-01T08:15:30");
        await SeedAsync(new JsonObject { ["id"] = "P-1" });

        var order = (await GetOrderAsync("P-1")).AsObject();

        Assert.That(order.ToJsonString(), Is.EqualTo(
            """{"id":"P-1","account_id":null,"customer_po":null,"status":"NEW","erp_order_no":null,"currency":null,"created_at":"2026-03-01T08:15:30","updated_at":"2026-03-01T08:15:30","lines":[]}"""));
    }

    [Test]
    public async Task GetOrder_SeededWithLines_AnswersThemSnakeCase()
    {
        await SeedAsync(Order("P-1", T0));

        var order = await GetOrderAsync("P-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(order["account_id"]!.GetValue<string>(), Is.EqualTo("ACC-1"));
            Assert.That(order["customer_po"]!.GetValue<string>(), Is.EqualTo("PO-P-1"));
            Assert.That(order["updated_at"]!.GetValue<string>(), Is.EqualTo(T0));
            Assert.That(order["created_at"]!.GetValue<string>(), Is.EqualTo(T0));
            Assert.That(order["lines"]![0]!.ToJsonString(), Is.EqualTo("""{"line_no":1,"sku":"A-1","qty":2,"unit_price":12.5}"""));
        }
    }

    [Test]
    public async Task GetOrder_Unknown_Returns404()
    {
        await AssertProblemAsync(Client.GetAsync("api/v1/orders/nope"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task SetErpReference_FirstTime_SetsItAndMovesUpdatedAtToNow()
    {
        await SeedAsync(Order("P-1", T0));
        await FreezeClockAsync("2026-03-02T09:00:00");

        var order = await OkJsonAsync(PutAsync("api/v1/orders/P-1/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }));
        var stored = await GetOrderAsync("P-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(order["erp_order_no"]!.GetValue<string>(), Is.EqualTo("SO-1"));
            Assert.That(order["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-03-02T09:00:00"));
            Assert.That(order["created_at"]!.GetValue<string>(), Is.EqualTo(T0));
            Assert.That(stored.ToJsonString(), Is.EqualTo(order.ToJsonString()));
        }
    }

    [Test]
    public async Task SetErpReference_SameValueAgain_IsNoOpThatMovesNothing()
    {
        await SeedAsync(Order("P-1", T0));
        await FreezeClockAsync("2026-03-02T09:00:00");
        await OkJsonAsync(PutAsync("api/v1/orders/P-1/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }));
        await FreezeClockAsync("2026-03-03T09:00:00");

        var again = await OkJsonAsync(PutAsync("api/v1/orders/P-1/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }));

        Assert.That(again["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-03-02T09:00:00"));
    }

    [Test]
    public async Task SetErpReference_OtherValueAlreadySet_Returns409AndKeepsFirst()
    {
        await SeedAsync(Order("P-1", T0));
        await OkJsonAsync(PutAsync("api/v1/orders/P-1/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }));

        await AssertProblemAsync(PutAsync("api/v1/orders/P-1/erp-reference", new JsonObject { ["erp_order_no"] = "SO-2" }), HttpStatusCode.Conflict);

        Assert.That((await GetOrderAsync("P-1"))["erp_order_no"]!.GetValue<string>(), Is.EqualTo("SO-1"));
    }

    [Test]
    public async Task SetErpReference_UnknownOrder_Returns404()
    {
        await AssertProblemAsync(PutAsync("api/v1/orders/nope/erp-reference", new JsonObject { ["erp_order_no"] = "SO-1" }), HttpStatusCode.NotFound);
    }

    [TestCase("{}")]
    [TestCase("""{"erp_order_no":""}""")]
    [TestCase("""{"erp_order_no":7}""")]
    [TestCase("""{"erp_order_no":"SO-1""")]
    public async Task SetErpReference_BodyWithoutNumber_Returns400(string body)
    {
        await SeedAsync(Order("P-1", T0));

        await AssertProblemAsync(
            Client.PutAsync("api/v1/orders/P-1/erp-reference", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
    }

    private static string[] Ids(JsonNode page) => [.. page["orders"]!.AsArray().Select(o => o!["id"]!.GetValue<string>())];
}
