using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Faults;

public sealed class FaultInjectionTests : SandboxTestBase
{
    [Test]
    public async Task RateLimit_BurstSpent_Returns429WithRetryAfterSeconds()
    {
        await SetFaultsAsync("""{"rate_limit_per_second":0.5,"burst":2}""");

        using var first = await Client.GetAsync("api/v1/data/items");
        using var second = await Client.GetAsync("api/v1/data/items");
        using var third = await Client.GetAsync("api/v1/data/items");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)));
        }

        await AssertProblemAsync(third, HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task RateLimit_FastRate_RetryAfterIsAtLeastOneSecond()
    {
        await SetFaultsAsync("""{"rate_limit_per_second":5,"burst":1}""");
        using var first = await Client.GetAsync("api/v1/data/items");

        using var second = await Client.GetAsync("api/v1/data/items");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(second.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        }
    }

    [Test]
    public async Task RateLimit_AfterWaiting_TokenRefills()
    {
        await SetFaultsAsync("""{"rate_limit_per_second":10,"burst":1}""");
        using var first = await Client.GetAsync("api/v1/data/items");
        await Task.Delay(250);

        using var later = await Client.GetAsync("api/v1/data/items");

        Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task LockOrders_NextNCallsOnThatOrder_Return423ThenSucceed()
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00"), Order("P-2", "2026-03-01T10:00:00"));
        await SetFaultsAsync("""{"lock_orders":{"P-1":2}}""");

        using var get = await Client.GetAsync("api/v1/orders/P-1");
        using var put = await Client.PutAsync("api/v1/orders/P-1/erp-reference", Json("""{"erp_order_no":"SO-1"}"""));
        using var other = await Client.GetAsync("api/v1/orders/P-2");
        using var list = await Client.GetAsync("api/v1/orders?updated_from=2026-03-01T00:00:00&updated_to=2026-03-02T00:00:00");
        using var third = await Client.PutAsync("api/v1/orders/P-1/erp-reference", Json("""{"erp_order_no":"SO-1"}"""));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(get.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(put.StatusCode, Is.EqualTo((HttpStatusCode)423));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await AssertProblemAsync(get, (HttpStatusCode)423);
    }

    [Test]
    public async Task LockOrders_LockedPut_DoesNotApply()
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00"));
        await SetFaultsAsync("""{"lock_orders":{"P-1":1}}""");

        using var put = await Client.PutAsync("api/v1/orders/P-1/erp-reference", Json("""{"erp_order_no":"SO-1"}"""));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(put.StatusCode, Is.EqualTo((HttpStatusCode)423));
            Assert.That((await GetOrderAsync("P-1"))["erp_order_no"], Is.Null);
        }
    }

    [Test]
    public async Task FailNext_DefaultStatus_Returns503WithRetryAfterThenRecovers()
    {
        await SetFaultsAsync("""{"fail_next":2}""");

        await AssertProblemAsync(Client.GetAsync("api/v1/data/items"), HttpStatusCode.ServiceUnavailable);
        using var second = await Client.PostAsync("api/v1/imports/items", Json(Payload("items", Upsert(("sku", "A"))).ToJsonString()));
        using var third = await Client.GetAsync("api/v1/data/items");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(second.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task FailNext_WithFailStatus_AnswersThatStatusAndAppliesNothing()
    {
        await SetFaultsAsync("""{"fail_next":1,"fail_status":500}""");

        await AssertProblemAsync(
            PostAsync("api/v1/imports/items", Payload("items", Upsert(("sku", "A"))), "k1"),
            HttpStatusCode.InternalServerError);

        Assert.That(await DataAsync("items"), Is.Empty);
    }

    [Test]
    public async Task Faults_CheckedAfterAuth_UnauthorizedCallStill401()
    {
        await SetFaultsAsync("""{"fail_next":1}""");
        using var anonymous = NewClient(null);

        await AssertProblemAsync(anonymous.GetAsync("api/v1/data/items"), HttpStatusCode.Unauthorized);

        await AssertProblemAsync(Client.GetAsync("api/v1/data/items"), HttpStatusCode.ServiceUnavailable);
    }

    [Test]
    public async Task Faults_InOrder_RateLimitBeforeLockBeforeFailure()
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00"));
        await SetFaultsAsync("""{"rate_limit_per_second":0.1,"burst":2,"lock_orders":{"P-1":1},"fail_next":1}""");

        using var first = await Client.GetAsync("api/v1/orders/P-1");
        using var second = await Client.GetAsync("api/v1/orders/P-1");
        using var third = await Client.GetAsync("api/v1/orders/P-1");

        Assert.That(new[] { first.StatusCode, second.StatusCode, third.StatusCode },
            Is.EqualTo(new[] { (HttpStatusCode)423, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task Faults_OnSandboxControlCalls_NotApplied()
    {
        await SetFaultsAsync("""{"fail_next":1,"malformed_next":1}""");

        var requests = await GetJsonAsync("sandbox/requests");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(requests["requests"], Is.Not.Null);
            Assert.That((await SetFaultsAsync("{}"))["fail_next"]!.GetValue<int>(), Is.Zero);
        }
    }

    [Test]
    public async Task DelayMs_ApiCall_AnswersNoSooner()
    {
        await SetFaultsAsync("""{"delay_ms":300}""");
        var watch = Stopwatch.StartNew();

        using var response = await Client.GetAsync("api/v1/data/items");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(watch.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(280));
        }
    }

    [Test]
    public async Task MalformedNext_Call_BodyCutShortWithStatus200ThenWhole()
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00"));
        await SetFaultsAsync("""{"malformed_next":1}""");

        using var cut = await Client.GetAsync("api/v1/orders/P-1");
        var cutText = await cut.Content.ReadAsStringAsync();
        var whole = await GetOrderAsync("P-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cut.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(() => JsonDocument.Parse(cutText), Throws.InstanceOf<JsonException>());
            Assert.That(whole.ToJsonString(), Does.StartWith(cutText));
        }
    }

    [Test]
    public async Task MalformedNext_Import_AppliedSoTheRetryReplays()
    {
        await SetFaultsAsync("""{"malformed_next":1}""");
        var payload = Payload("items", Upsert(("sku", "A")));

        using var cut = await PostAsync("api/v1/imports/items", payload, "k1");
        var retry = await ImportAsync("k1", payload);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cut.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(() => JsonDocument.Parse(cut.Content.ReadAsStream()), Throws.InstanceOf<JsonException>());
            Assert.That(retry["accepted"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(await DataAsync("items"), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task SetFaults_EmptyObject_ClearsEveryFault()
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00"));
        await SetFaultsAsync("""{"rate_limit_per_second":0.1,"burst":1,"lock_orders":{"P-1":5},"fail_next":5,"delay_ms":5000,"malformed_next":5}""");

        await SetFaultsAsync("{}");

        for (var i = 0; i < 3; i++)
        {
            Assert.That((await GetOrderAsync("P-1"))["id"]!.GetValue<string>(), Is.EqualTo("P-1"));
        }
    }

    [Test]
    public async Task SetFaults_ReplacesWholeSet_PreviousFaultsGone()
    {
        await SetFaultsAsync("""{"fail_next":5}""");

        await SetFaultsAsync("""{"delay_ms":1}""");

        using var response = await Client.GetAsync("api/v1/data/items");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("""{"fail_nxt":1}""")]
    [TestCase("""{"fail_next":-1}""")]
    [TestCase("""{"fail_next":"1"}""")]
    [TestCase("""{"fail_status":200}""")]
    [TestCase("""{"burst":3}""")]
    [TestCase("""{"rate_limit_per_second":0}""")]
    [TestCase("""{"lock_orders":["P-1"]}""")]
    [TestCase("""[]""")]
    public async Task SetFaults_InvalidSet_Returns400(string body)
    {
        await AssertProblemAsync(PostAsync("sandbox/faults", body), HttpStatusCode.BadRequest);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
