using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Time;

public sealed class TimeZoneTests : SandboxTestBase
{
    protected override string TimeZone => "America/Chicago";

    [Test]
    public async Task SetClock_LocalTimeBeforeSpringForward_StampsThatLocalTime()
    {
        var clock = await FreezeClockAsync("2026-03-08T01:59:00");
        await SeedAsync(new JsonObject { ["id"] = "P-1" });

        var order = await GetOrderAsync("P-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(clock["now"]!.GetValue<string>(), Is.EqualTo("2026-03-08T01:59:00"));
            Assert.That(clock["frozen"]!.GetValue<bool>(), Is.True);
            Assert.That(order["created_at"]!.GetValue<string>(), Is.EqualTo("2026-03-08T01:59:00"));
            Assert.That(order["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-03-08T01:59:00"));
        }
    }

    [Test]
    public async Task SetClock_InstantWithOffset_StampsPortalLocalTime()
    {
        // 08:30 UTC is 02:30 in Chicago in winter (UTC-6).
        await FreezeClockAsync("2026-01-15T08:30:00Z");
        await SeedAsync(new JsonObject { ["id"] = "P-1" });

        var order = await GetOrderAsync("P-1");

        Assert.That(order["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-01-15T02:30:00"));
    }

    [Test]
    public async Task SetClock_LocalTimeSkippedBySpringForward_Returns400()
    {
        await AssertProblemAsync(PostAsync("sandbox/clock", """{"now":"2026-03-08T02:30:00"}"""), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task SetClock_RepeatedLocalTimeWhenFallingBack_TakesEarlierReading()
    {
        // 01:30 happens twice on 2026-11-01 in Chicago: first at UTC-5 (06:30Z), then at UTC-6.
        await FreezeClockAsync("2026-11-01T01:30:00");
        await SeedAsync(new JsonObject { ["id"] = "P-1" });
        await FreezeClockAsync("2026-11-01T06:59:00Z");
        await SeedAsync(new JsonObject { ["id"] = "P-2" });

        var first = await GetOrderAsync("P-1");
        var second = await GetOrderAsync("P-2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-11-01T01:30:00"));
            Assert.That(second["updated_at"]!.GetValue<string>(), Is.EqualTo("2026-11-01T01:59:00"));
        }
    }

    [TestCase("""{"now":"2026-03-08"}""")]
    [TestCase("""{"now":"yesterday"}""")]
    [TestCase("""{"now":5}""")]
    [TestCase("""{}""")]
    public async Task SetClock_NotATime_Returns400(string body)
    {
        await AssertProblemAsync(PostAsync("sandbox/clock", body), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task SetClock_Null_ClockRunsInPortalZone()
    {
        await FreezeClockAsync("2020-01-01T00:00:00");

        var released = await FreezeClockAsync(null);
        await SeedAsync(new JsonObject { ["id"] = "P-1" });
        var order = await GetOrderAsync("P-1");

        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        var expected = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, chicago).DateTime;
        var stamped = DateTime.ParseExact(order["updated_at"]!.GetValue<string>(), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(released["frozen"]!.GetValue<bool>(), Is.False);
            Assert.That(stamped, Is.EqualTo(expected).Within(TimeSpan.FromSeconds(30)));
        }
    }

    [Test]
    public async Task ListOrders_WindowInLocalTimes_ComparesAgainstLocalStamps()
    {
        await FreezeClockAsync("2026-03-08T01:59:00");
        await SeedAsync(new JsonObject { ["id"] = "before" });
        await FreezeClockAsync("2026-03-08T03:00:00");
        await SeedAsync(new JsonObject { ["id"] = "after" });

        var page = await GetJsonAsync("api/v1/orders?updated_from=2026-03-08T02:00:00&updated_to=2026-03-08T04:00:00");

        Assert.That(page["orders"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()), Is.EqualTo(new[] { "after" }));
    }
}
