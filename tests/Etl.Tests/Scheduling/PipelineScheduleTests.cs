using Etl.Configuration;
using Etl.Scheduling;

namespace Etl.Tests.Scheduling;

/// <summary>Cron plus an IANA time zone to instants in UTC, across daylight-saving changes, and the start-up errors.</summary>
public sealed class PipelineScheduleTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static List<DateTimeOffset> Occurrences(PipelineSchedule schedule, DateTimeOffset from, int count)
    {
        var result = new List<DateTimeOffset>();
        var at = from;
        for (var i = 0; i < count; i++)
        {
            at = schedule.NextAfter(at)!.Value;
            result.Add(at);
        }
        return result;
    }

    [Test]
    public void NextAfter_DailyAt0230OnSpringForwardDayInChicago_FiresRightAfterTheGap()
    {
        // 2026-03-08: Chicago goes from 02:00 CST straight to 03:00 CDT; 02:30 does not exist that night.
        var schedule = PipelineSchedule.Parse("30 2 * * *", "America/Chicago", "pipelines/nightly.json");

        var runs = Occurrences(schedule, Utc("2026-03-06T12:00:00Z"), 4);

        Assert.That(runs, Is.EqualTo(new[]
        {
            Utc("2026-03-07T08:30:00Z"), // 02:30 CST
            Utc("2026-03-08T08:00:00Z"), // 03:00 CDT, the first instant after the gap: the night's run is not skipped
            Utc("2026-03-09T07:30:00Z"), // 02:30 CDT
            Utc("2026-03-10T07:30:00Z"),
        }));
        Assert.That(schedule.Local(runs[1]), Is.EqualTo("2026-03-08 03:00:00 -05:00 America/Chicago"));
    }

    [Test]
    public void NextAfter_DailyAt0230OnSpringForwardDayInBerlin_FiresRightAfterTheGap()
    {
        // 2026-03-29: Berlin goes from 02:00 CET straight to 03:00 CEST.
        var schedule = PipelineSchedule.Parse("30 2 * * *", "Europe/Berlin", "pipelines/nightly.json");

        var runs = Occurrences(schedule, Utc("2026-03-27T12:00:00Z"), 3);

        Assert.That(runs, Is.EqualTo(new[]
        {
            Utc("2026-03-28T01:30:00Z"), // 02:30 CET
            Utc("2026-03-29T01:00:00Z"), // 03:00 CEST
            Utc("2026-03-30T00:30:00Z"), // 02:30 CEST
        }));
    }

    [Test]
    public void NextAfter_DailyAt0130OnFallBackDayInChicago_FiresOnce()
    {
        // 2026-11-01: Chicago goes back from 02:00 CDT to 01:00 CST; 01:30 happens twice that night.
        var schedule = PipelineSchedule.Parse("30 1 * * *", "America/Chicago", "pipelines/nightly.json");

        var runs = Occurrences(schedule, Utc("2026-10-31T12:00:00Z"), 2);

        Assert.That(runs, Is.EqualTo(new[]
        {
            Utc("2026-11-01T06:30:00Z"), // 01:30 CDT, the first of the two
            Utc("2026-11-02T07:30:00Z"), // the next day's 01:30 CST: the repeated 01:30 (07:30Z on 1 November) does not fire
        }));
    }

    [Test]
    public void NextAfter_DailyAt0230OnFallBackDayInBerlin_FiresOnce()
    {
        // 2026-10-25: Berlin goes back from 03:00 CEST to 02:00 CET; 02:30 happens twice that night.
        var schedule = PipelineSchedule.Parse("30 2 * * *", "Europe/Berlin", "pipelines/nightly.json");

        var runs = Occurrences(schedule, Utc("2026-10-24T12:00:00Z"), 2);

        Assert.That(runs, Is.EqualTo(new[] { Utc("2026-10-25T00:30:00Z"), Utc("2026-10-26T01:30:00Z") }));
    }

    [Test]
    public void NextAfter_EveryHalfHourOnFallBackNightInChicago_KeepsItsRhythmThroughBothHours()
    {
        var schedule = PipelineSchedule.Parse("*/30 * * * *", "America/Chicago", "pipelines/intraday.json");

        var runs = Occurrences(schedule, Utc("2026-11-01T05:50:00Z"), 6);

        // 01:00 CDT, 01:30 CDT, 01:00 CST, 01:30 CST, 02:00 CST, 02:30 CST: every half hour of real time.
        Assert.That(runs, Is.EqualTo(new[]
        {
            Utc("2026-11-01T06:00:00Z"), Utc("2026-11-01T06:30:00Z"), Utc("2026-11-01T07:00:00Z"),
            Utc("2026-11-01T07:30:00Z"), Utc("2026-11-01T08:00:00Z"), Utc("2026-11-01T08:30:00Z"),
        }));
    }

    [Test]
    public void NextAfter_NightlyAt0200InChicago_MovesInUtcWithDaylightSaving()
    {
        var schedule = PipelineSchedule.Parse("0 2 * * *", "America/Chicago", "pipelines/nightly.json");

        Assert.Multiple(() =>
        {
            Assert.That(schedule.NextAfter(Utc("2026-01-15T12:00:00Z")), Is.EqualTo(Utc("2026-01-16T08:00:00Z")), "CST is UTC-6");
            Assert.That(schedule.NextAfter(Utc("2026-07-15T12:00:00Z")), Is.EqualTo(Utc("2026-07-16T07:00:00Z")), "CDT is UTC-5");
        });
    }

    [Test]
    public void NextAfter_IsStrictlyAfter()
    {
        var schedule = PipelineSchedule.Parse("0 2 * * *", null, "pipelines/nightly.json");

        Assert.That(schedule.NextAfter(Utc("2026-05-01T02:00:00Z")), Is.EqualTo(Utc("2026-05-02T02:00:00Z")));
    }

    [Test]
    public void Parse_NoTimeZone_ReadsTheScheduleInUtc()
    {
        var schedule = PipelineSchedule.Parse("0 2 * * *", null, "pipelines/nightly.json");

        Assert.That(schedule.TimeZone, Is.EqualTo(TimeZoneInfo.Utc));
        Assert.That(schedule.ToString(), Is.EqualTo("'0 2 * * *' in UTC"));
    }

    [Test]
    public void Parse_SixFields_ReadsSecondsFirst()
    {
        var schedule = PipelineSchedule.Parse("*/20 * * * * *", "UTC", "pipelines/every-minute.json");

        var runs = Occurrences(schedule, Utc("2026-05-01T10:00:05Z"), 3);

        Assert.That(runs, Is.EqualTo(new[] { Utc("2026-05-01T10:00:20Z"), Utc("2026-05-01T10:00:40Z"), Utc("2026-05-01T10:01:00Z") }));
    }

    [TestCase("0 2 * *", "it has 4 field(s)")]
    [TestCase("0 2 * * * * *", "it has 7 field(s)")]
    [TestCase("61 2 * * *", "Minutes")]
    [TestCase("nightly", "it has 1 field(s)")]
    [TestCase("", "it has 0 field(s)")]
    public void Parse_NotCron_IsAConfigurationErrorNamingFileAndKey(string expression, string detail)
    {
        var error = Assert.Throws<ConfigurationException>(() => PipelineSchedule.Parse(expression, "UTC", "pipelines/nightly.json"));

        Assert.That(error!.Message, Does.StartWith($"pipelines/nightly.json: schedule = '{expression}' is not a cron expression").And.Contain(detail));
    }

    [Test]
    public void Parse_NeverFires_IsAConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => PipelineSchedule.Parse("0 0 30 2 *", "UTC", "pipelines/nightly.json"));

        Assert.That(error!.Message, Does.StartWith("pipelines/nightly.json: schedule = '0 0 30 2 *'"));
    }

    [Test]
    public void Parse_UnknownTimeZone_IsAConfigurationErrorNamingFileAndKey()
    {
        var error = Assert.Throws<ConfigurationException>(() => PipelineSchedule.Parse("0 2 * * *", "America/Chikago", "pipelines/nightly.json"));

        Assert.That(error!.Message, Is.EqualTo("pipelines/nightly.json: time_zone = 'America/Chikago' is not a known IANA time zone (e.g. Europe/Berlin)."));
    }

    [Test]
    public void Of_PipelineWithoutSchedule_IsNull()
    {
        var pipeline = new PipelineDefinition { Name = "adhoc", Path = "pipelines/adhoc.json", Entities = [], Settings = new Dictionary<string, string?>() };

        Assert.That(PipelineSchedule.Of(pipeline), Is.Null);
    }
}
