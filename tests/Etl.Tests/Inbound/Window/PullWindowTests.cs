using Etl.Inbound.Window;

namespace Etl.Tests.Inbound.Window;

/// <summary>The pull window in portal-local time, including the days clocks change.</summary>
[TestFixture]
public sealed class PullWindowTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void For_WithCheckpoint_StartsALookbackBeforeItAndEndsASettleLagBeforeNow()
    {
        var window = PullWindow.For(Utc("2026-11-30T12:30:00Z"), Utc("2026-11-30T12:00:00Z"), null,
            TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7), Chicago);

        Assert.That(window.FromUtc, Is.EqualTo(Utc("2026-11-30T11:45:00Z")));
        Assert.That(window.ToUtc, Is.EqualTo(Utc("2026-11-30T12:29:00Z")));
        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-11-30T05:45:00", "2026-11-30T06:29:00")));
    }

    [Test]
    public void For_FirstRun_StartsAtTheInitialLookback()
    {
        var window = PullWindow.For(Utc("2026-11-30T12:30:00Z"), null, null,
            TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7), TimeZoneInfo.Utc);

        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-11-23T12:30:00", "2026-11-30T12:29:00")));
    }

    [Test]
    public void For_Since_OverridesTheCheckpoint()
    {
        var window = PullWindow.For(Utc("2026-11-30T12:30:00Z"), Utc("2026-11-30T12:00:00Z"), Utc("2026-11-01T00:00:00Z"),
            TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7), TimeZoneInfo.Utc);

        Assert.That(window.FromUtc, Is.EqualTo(Utc("2026-11-01T00:00:00Z")));
    }

    [Test]
    public void Between_AcrossFallBack_CoversBothReadingsOfTheRepeatedHour()
    {
        // 2026-11-01: Chicago falls back at 07:00Z (02:00 CDT -> 01:00 CST). 06:50Z is 01:50 CDT, 07:10Z is 01:10 CST.
        var window = PullWindow.Between(Utc("2026-11-01T06:50:00Z"), Utc("2026-11-01T07:10:00Z"), Chicago);

        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-11-01T01:00:00", "2026-11-01T02:00:00")));
    }

    [Test]
    public void Between_EndingInsideTheRepeatedHour_StillReachesItsFirstReading()
    {
        var window = PullWindow.Between(Utc("2026-11-01T06:30:00Z"), Utc("2026-11-01T06:45:00Z"), Chicago);

        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-11-01T01:30:00", "2026-11-01T01:45:00")));
    }

    [Test]
    public void Between_AcrossSpringForward_SpansTheSkippedHour()
    {
        // 2026-03-08: Chicago springs forward at 08:00Z (02:00 CST -> 03:00 CDT).
        var window = PullWindow.Between(Utc("2026-03-08T07:50:00Z"), Utc("2026-03-08T08:10:00Z"), Chicago);

        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-03-08T01:50:00", "2026-03-08T03:10:00")));
    }

    [Test]
    public void Between_AWeekAcrossFallBack_CoversEveryLocalReading()
    {
        var window = PullWindow.Between(Utc("2026-10-28T12:00:00Z"), Utc("2026-11-04T12:00:00Z"), Chicago);

        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-10-28T07:00:00", "2026-11-04T06:00:00")));
    }

    [Test]
    public void Between_PartialSeconds_FloorsTheStartAndCeilsTheEnd()
    {
        var window = PullWindow.Between(Utc("2026-11-30T12:00:00.700Z"), Utc("2026-11-30T12:10:00.200Z"), TimeZoneInfo.Utc);

        Assert.That((window.UpdatedFrom, window.UpdatedTo), Is.EqualTo(("2026-11-30T12:00:00", "2026-11-30T12:10:01")));
    }
}
