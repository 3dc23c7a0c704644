using System.Net;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Api;

public sealed class ImportsApiTests : SandboxTestBase
{
    [Test]
    public async Task Import_UpsertsThenDeletes_DataHoldsLastWritesWithoutOp()
    {
        var answer = await ImportAsync("k1", Payload("inventory",
            Upsert(("sku", "A-1"), ("warehouse", "MAIN"), ("qty_available", 5)),
            Upsert(("sku", "B-2"), ("warehouse", "MAIN"), ("qty_available", 1)),
            Upsert(("sku", "A-1"), ("warehouse", "MAIN"), ("qty_available", 7)),
            Upsert(("sku", "A-1"), ("warehouse", "EAST"), ("qty_available", 0)),
            Delete(("sku", "B-2"), ("warehouse", "MAIN"))));

        var records = await DataAsync("inventory");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["import_id"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(5));
            Assert.That(answer["rejected"]!.AsArray(), Is.Empty);
            Assert.That(records.ToJsonString(), Is.EqualTo(
                """[{"sku":"A-1","warehouse":"EAST","qty_available":0},{"sku":"A-1","warehouse":"MAIN","qty_available":7}]"""));
        }
    }

    [Test]
    public async Task Import_UpsertOfExistingKey_ReplacesAllFields()
    {
        await ImportAsync("k1", Payload("items", Upsert(("sku", "A-1"), ("description", "Pipe"), ("uom", "EA"), ("weight_kg", 1.5))));
        await ImportAsync("k2", Payload("items", Upsert(("sku", "A-1"), ("description", "Pipe 2\""), ("uom", null))));

        var records = await DataAsync("items");

        Assert.That(records.ToJsonString(), Is.EqualTo("""[{"sku":"A-1","description":"Pipe 2\u0022","uom":null}]"""));
    }

    [Test]
    public async Task Import_DeleteOfAbsentKey_IsAccepted()
    {
        var answer = await ImportAsync("k1", Payload("costs", Delete(("sku", "X"), ("currency", "USD"))));

        Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Import_SameKeySameBody_ReplaysFirstAnswerAndAppliesNothing()
    {
        var payload = Payload("costs", Upsert(("sku", "A-1"), ("currency", "USD"), ("unit_cost", 3)));
        var first = await ImportAsync("batch-1", payload);
        await ImportAsync("batch-2", Payload("costs", Upsert(("sku", "A-1"), ("currency", "USD"), ("unit_cost", 4))));

        // Same document, other whitespace: still the same body.
        var replay = await OkJsonAsync(PostAsync("api/v1/imports/costs", payload.ToJsonString(new() { WriteIndented = true }), "batch-1"));
        var records = await DataAsync("costs");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(replay.ToJsonString(), Is.EqualTo(first.ToJsonString()));
            Assert.That(records[0]!["unit_cost"]!.GetValue<int>(), Is.EqualTo(4));
        }
    }

    [Test]
    public async Task Import_SameKeyOtherBody_Returns422AndAppliesNothing()
    {
        await ImportAsync("batch-1", Payload("costs", Upsert(("sku", "A-1"), ("currency", "USD"), ("unit_cost", 3))));

        await AssertProblemAsync(
            PostAsync("api/v1/imports/costs", Payload("costs", Upsert(("sku", "A-1"), ("currency", "USD"), ("unit_cost", 9))), "batch-1"),
            (HttpStatusCode)422);

        Assert.That((await DataAsync("costs"))[0]!["unit_cost"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task Import_DistinctKeys_GetDistinctImportIds()
    {
        var a = await ImportAsync("a", Payload("costs"));
        var b = await ImportAsync("b", Payload("costs"));

        Assert.That(a["import_id"]!.GetValue<string>(), Is.Not.EqualTo(b["import_id"]!.GetValue<string>()));
    }

    [Test]
    public async Task Import_NoIdempotencyKey_Returns400AndAppliesNothing()
    {
        await AssertProblemAsync(
            PostAsync("api/v1/imports/costs", Payload("costs", Upsert(("sku", "A-1"), ("currency", "USD"), ("unit_cost", 3)))),
            HttpStatusCode.BadRequest);

        Assert.That(await DataAsync("costs"), Is.Empty);
    }

    [Test]
    public async Task Import_UnknownEntity_Returns404()
    {
        await AssertProblemAsync(PostAsync("api/v1/imports/widgets", Payload("widgets"), "k1"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Import_BodyEntityDiffersFromPath_Returns400AndAppliesNothing()
    {
        await AssertProblemAsync(
            PostAsync("api/v1/imports/costs", Payload("items", Upsert(("sku", "A-1"))), "k1"),
            HttpStatusCode.BadRequest);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await DataAsync("costs"), Is.Empty);
            Assert.That(await DataAsync("items"), Is.Empty);
        }
    }

    [TestCase("""{"entity":"costs","records":[""")]
    [TestCase("""not json""")]
    [TestCase("""[]""")]
    [TestCase("""{"entity":"costs"}""")]
    [TestCase("""{"entity":"costs","records":{}}""")]
    [TestCase("""{"entity":"costs","entity":"costs","records":[]}""")]
    [TestCase("")]
    public async Task Import_MalformedBody_Returns400(string body)
    {
        await AssertProblemAsync(PostAsync("api/v1/imports/costs", body, "k1"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Import_MalformedBodyFirst_KeyStaysFreeForTheFixedBody()
    {
        await AssertProblemAsync(PostAsync("api/v1/imports/costs", "{", "k1"), HttpStatusCode.BadRequest);

        var answer = await ImportAsync("k1", Payload("costs", Upsert(("sku", "A-1"), ("currency", "USD"), ("unit_cost", 3))));

        Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Import_BadRecords_RejectedByIndexWhileTheRestApply()
    {
        var answer = await ImportAsync("k1", Payload("inventory",
            Upsert(("sku", "A-1"), ("warehouse", "MAIN"), ("qty_available", 5)),
            Upsert(("sku", "A-2"), ("qty_available", 5)),
            Record("merge", ("sku", "A-3"), ("warehouse", "MAIN")),
            Upsert(("sku", "A-4"), ("warehouse", "MAIN"), ("qty_available", -1)),
            Upsert(("sku", ""), ("warehouse", "MAIN"), ("qty_available", 1)),
            new JsonObject { ["sku"] = "A-6", ["warehouse"] = "MAIN" },
            Upsert(("sku", "A-7"), ("warehouse", "MAIN"), ("qty_available", 0))));

        var rejected = answer["rejected"]!.AsArray();
        var records = await DataAsync("inventory");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(rejected.Select(r => r!["index"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
            Assert.That(rejected.Select(r => r!["code"]!.GetValue<string>()), Is.EqualTo(new[]
            {
                "missing_key", "unknown_op", "negative_quantity", "missing_key", "unknown_op",
            }));
            Assert.That(rejected.Select(r => r!["message"]!.GetValue<string>()), Has.All.Not.Empty);
            Assert.That(records.Select(r => r!["sku"]!.GetValue<string>()), Is.EqualTo(new[] { "A-1", "A-7" }));
        }
    }

    [Test]
    public async Task Import_DeleteWithNegativeQuantity_IsNotRejected()
    {
        await ImportAsync("k1", Payload("inventory", Upsert(("sku", "A-1"), ("warehouse", "MAIN"), ("qty_available", 5))));

        var answer = await ImportAsync("k2", Payload("inventory", Delete(("sku", "A-1"), ("warehouse", "MAIN"), ("qty_available", -5))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(await DataAsync("inventory"), Is.Empty);
        }
    }

    [Test]
    public async Task Import_FixedPriceOfUnknownCustomer_RejectedWhileKnownOnesApply()
    {
        await ImportAsync("c1", Payload("customers", Upsert(("customer_no", "C-1"), ("name", "Acme"), ("approved", true))));

        var answer = await ImportAsync("f1", Payload("fixed_prices",
            Upsert(("customer_no", "C-1"), ("sku", "A-1"), ("currency", "USD"), ("fixed_price", 9.5)),
            Upsert(("customer_no", "C-9"), ("sku", "A-1"), ("currency", "USD"), ("fixed_price", 9.5))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(answer["rejected"]!.ToJsonString(), Does.Contain("\"index\":1").And.Contain("\"code\":\"unknown_customer\""));
            Assert.That((await DataAsync("fixed_prices")).Select(r => r!["customer_no"]!.GetValue<string>()), Is.EqualTo(new[] { "C-1" }));
        }
    }

    [Test]
    public async Task Import_FixedPriceAfterCustomerDeleted_Rejected()
    {
        await ImportAsync("c1", Payload("customers", Upsert(("customer_no", "C-1"), ("name", "Acme"))));
        await ImportAsync("c2", Payload("customers", Delete(("customer_no", "C-1"))));

        var answer = await ImportAsync("f1", Payload("fixed_prices",
            Upsert(("customer_no", "C-1"), ("sku", "A-1"), ("currency", "USD"), ("fixed_price", 9.5))));

        Assert.That(answer["accepted"]!.GetValue<int>(), Is.Zero);
    }

    [Test]
    public async Task Import_OrderStatus_SetsOrderStatusAndMovesUpdatedAt()
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00", "ACKNOWLEDGED"), Order("P-2", "2026-03-01T10:00:00", "ACKNOWLEDGED"));
        await FreezeClockAsync("2026-03-05T07:30:00");

        var answer = await ImportAsync("s1", Payload("order_status",
            Upsert(("erp_order_no", "SO-1"), ("portal_order_id", "P-1"), ("status", "SHIPPED"), ("ship_date", "2026-03-04"),
                ("carrier", "UPS"), ("tracking_no", "1Z"))));
        var moved = await GetOrderAsync("P-1");
        var untouched = await GetOrderAsync("P-2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(moved["status"]!.GetValue<string>(), Is.EqualTo("SHIPPED"));
            Assert.That(moved["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-03-05T07:30:00"));
            Assert.That(untouched["status"]!.GetValue<string>(), Is.EqualTo("ACKNOWLEDGED"));
            Assert.That(untouched["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-03-01T10:00:00"));
            Assert.That((await DataAsync("order_status"))[0]!["tracking_no"]!.GetValue<string>(), Is.EqualTo("1Z"));
        }
    }

    [Test]
    public async Task Import_OrderStatusForUnknownOrder_StoredWithoutError()
    {
        var answer = await ImportAsync("s1", Payload("order_status",
            Upsert(("erp_order_no", "SO-1"), ("portal_order_id", "nope"), ("status", "SHIPPED"))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(await DataAsync("order_status"), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task Import_ManyConcurrentImports_AllApplied()
    {
        var calls = Enumerable.Range(0, 20).Select(i => ImportAsync($"k{i}",
            Payload("items", Upsert(("sku", $"S-{i:D2}"), ("description", "x")))));

        var answers = await Task.WhenAll(calls);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers.Select(a => a["import_id"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(20));
            Assert.That(await DataAsync("items"), Has.Count.EqualTo(20));
        }
    }

    [Test]
    public async Task GetData_RecordsSortedByKeyFieldsOrdinally()
    {
        await ImportAsync("k1", Payload("list_prices",
            Upsert(("sku", "b"), ("price_list", "P1"), ("currency", "USD"), ("list_price", 1)),
            Upsert(("sku", "B"), ("price_list", "P2"), ("currency", "USD"), ("list_price", 1)),
            Upsert(("sku", "B"), ("price_list", "P1"), ("currency", "USD"), ("list_price", 1)),
            Upsert(("sku", "B"), ("price_list", "P1"), ("currency", "EUR"), ("list_price", 1))));

        var records = await DataAsync("list_prices");

        Assert.That(records.Select(r => $"{r!["sku"]}|{r["price_list"]}|{r["currency"]}"),
            Is.EqualTo(new[] { "B|P1|EUR", "B|P1|USD", "B|P2|USD", "b|P1|USD" }));
    }

    [Test]
    public async Task GetData_UnknownEntity_Returns404()
    {
        await AssertProblemAsync(Client.GetAsync("api/v1/data/widgets"), HttpStatusCode.NotFound);
    }

    [TestCase("inventory")]
    [TestCase("list_prices")]
    [TestCase("costs")]
    [TestCase("discounts")]
    [TestCase("fixed_prices")]
    [TestCase("items")]
    [TestCase("customers")]
    [TestCase("order_status")]
    public async Task GetData_KnownEntityNeverImported_ReturnsEmptyRecords(string entity)
    {
        Assert.That(await DataAsync(entity), Is.Empty);
    }

    [TestCase("inventory", "sku,warehouse")]
    [TestCase("list_prices", "sku,price_list,currency")]
    [TestCase("costs", "sku,currency")]
    [TestCase("discounts", "discount_group,product_class")]
    [TestCase("fixed_prices", "customer_no,sku,currency")]
    [TestCase("items", "sku")]
    [TestCase("customers", "customer_no")]
    [TestCase("order_status", "erp_order_no")]
    public async Task Import_EachEntity_KeyedByItsContractKeyFields(string entity, string keyFields)
    {
        await ImportAsync("c", Payload("customers", Upsert(("customer_no", "K"))));
        var keys = keyFields.Split(',');
        var full = Upsert([.. keys.Select(k => (k, (JsonNode?)"K"))]);
        full["extra"] = 1;
        var lacking = Upsert([.. keys.Skip(1).Select(k => (k, (JsonNode?)"K"))]);

        var answer = await ImportAsync("k", Payload(entity, full, lacking, Delete([.. keys.Select(k => (k, (JsonNode?)"K"))])));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer["accepted"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(answer["rejected"]![0]!["index"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(answer["rejected"]![0]!["message"]!.GetValue<string>(), Does.Contain(keys[0]));
            Assert.That(await DataAsync(entity), Is.Empty);
        }
    }
}
