using Etl.PortalApi;

namespace Etl.Delivery.Tests.Portal;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    [TestCase("0", 0)]
    [TestCase("1", 1)]
    [TestCase(" 120 ", 120)]
    public void Parse_DelaySeconds_IsThatWait(string header, int seconds) =>
        Assert.That(RetryAfter.Parse(header, Now), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("Mon, 30 Nov 2026 02:00:07 GMT", 7)]
    [TestCase("Monday, 30-Nov-26 02:00:07 GMT", 7)]
    [TestCase("Mon Nov 30 02:00:07 2026", 7)]
    public void Parse_HttpDate_IsTheTimeUntilThen(string header, int seconds) =>
        Assert.That(RetryAfter.Parse(header, Now), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [Test]
    public void Parse_HttpDateInThePast_IsZero() =>
        Assert.That(RetryAfter.Parse("Mon, 30 Nov 2026 01:59:00 GMT", Now), Is.EqualTo(TimeSpan.Zero));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("soon")]
    [TestCase("-5")]
    [TestCase("1.5")]
    public void Parse_Garbage_IsNull(string? header) => Assert.That(RetryAfter.Parse(header, Now), Is.Null);

    [Test]
    public void Parse_HugeSeconds_IsStillAWait() =>
        Assert.That(RetryAfter.Parse("99999999999999999999", Now), Is.EqualTo(TimeSpan.MaxValue));

    [Test]
    public void Delay_AskedForMoreThanTheMaximum_IsClampedToIt()
    {
        Assert.That(RetryAfter.Delay(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30), 0.99), Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(RetryAfter.Delay(TimeSpan.MaxValue, TimeSpan.FromSeconds(30), 0.5), Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(RetryAfter.Delay(TimeSpan.FromSeconds(5), TimeSpan.Zero, 0.5), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Delay_BelowTheMaximum_IsTheAskedWaitPlusAtMostTenPercentJitter()
    {
        var max = TimeSpan.FromSeconds(30);
        Assert.That(RetryAfter.Delay(TimeSpan.FromSeconds(10), max, 0), Is.EqualTo(TimeSpan.FromSeconds(10)));
        var most = RetryAfter.Delay(TimeSpan.FromSeconds(10), max, 0.999);
        Assert.That(most, Is.GreaterThan(TimeSpan.FromSeconds(10.9)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(11.05)));
        Assert.That(RetryAfter.Delay(TimeSpan.Zero, max, 0.999), Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(50)), "even 'now' is spread a little");
    }
}
