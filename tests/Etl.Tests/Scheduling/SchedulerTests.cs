using Etl.Runs;
using Etl.Scheduling;
using Etl.State;
using Etl.Tests.Scheduling.Support;
using Etl.Tests.Support;

namespace Etl.Tests.Scheduling;

/// <summary>The loop of etl serve on a fake clock: local times across daylight saving, catch-up, deferral, stop.</summary>
public sealed class SchedulerTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<TestCaseData> DaylightSavingNights()
    {
        yield return new TestCaseData("America/Chicago", "30 2 * * *", "2026-03-06T12:00:00Z", "2026-03-09T12:00:00Z",
                new[] { "2026-03-07T08:30:00Z", "2026-03-08T08:00:00Z", "2026-03-09T07:30:00Z" })
            .SetName("RunAsync_0230DailyInChicago_SpringForwardNightRunsAt0300CDT");
        yield return new TestCaseData("America/Chicago", "30 1 * * *", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z",
                new[] { "2026-11-01T06:30:00Z", "2026-11-02T07:30:00Z" })
            .SetName("RunAsync_0130DailyInChicago_FallBackNightRunsOnce");
        yield return new TestCaseData("Europe/Berlin", "30 2 * * *", "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z",
                new[] { "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z" })
            .SetName("RunAsync_0230DailyInBerlin_SpringForwardNightRunsAt0300CEST");
        yield return new TestCaseData("Europe/Berlin", "30 2 * * *", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
                new[] { "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z" })
            .SetName("RunAsync_0230DailyInBerlin_FallBackNightRunsOnce");
    }

    [TestCaseSource(nameof(DaylightSavingNights))]
    public async Task RunAsync_DaylightSavingChange_RunsAtTheLocalTimes(string zone, string cron, string start, string end, string[] expected)
    {
        await using var driver = new SchedulerDriver(Utc(start), pipelines: ("nightly", cron, zone));
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc(end));

        Assert.That(driver.RunsOf("nightly"), Is.EqualTo(expected.Select(Utc)), driver.Log.ToString());
    }

    [Test]
    public async Task RunAsync_NothingDue_DoesNotRunBeforeTheOccurrence()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-01T12:00:00Z"), pipelines: ("nightly", "0 2 * * *", "America/Chicago"));
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc("2026-05-02T06:59:59Z"));
        Assert.That(driver.Runs, Is.Empty);
        await driver.AdvanceToAsync(Utc("2026-05-02T07:00:00Z"));

        Assert.That(driver.RunsOf("nightly"), Is.EqualTo(new[] { Utc("2026-05-02T07:00:00Z") }));
        Assert.That(driver.Log.Lines, Has.Some.Contains("nightly: scheduled '0 2 * * *' in America/Chicago; next run at 2026-05-02 02:00:00 -05:00 America/Chicago"));
    }

    [Test]
    public async Task RunAsync_SeveralOccurrencesMissedWhileDown_CatchesUpOnceThenKeepsTheSchedule()
    {
        // Last run three nights ago: the 02:00 runs of the last two nights and of today were missed.
        var lastRun = Utc("2026-05-01T02:00:00Z");
        await using var driver = new SchedulerDriver(Utc("2026-05-04T10:00:00Z"), name => name == "nightly" ? lastRun : null,
            pipelines: ("nightly", "0 2 * * *", "UTC"));
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc("2026-05-05T12:00:00Z"));

        Assert.That(driver.RunsOf("nightly"), Is.EqualTo(new[] { Utc("2026-05-04T10:00:00Z"), Utc("2026-05-05T02:00:00Z") }), driver.Log.ToString());
        Assert.That(driver.Log.Lines, Has.One.Contains("nightly: scheduled '0 2 * * *' in UTC; it last ran at 2026-05-01 02:00:00 +00:00 UTC and missed its run at 2026-05-02 02:00:00 +00:00 UTC, so it runs now to catch up"));
    }

    [Test]
    public async Task RunAsync_NoOccurrenceMissedSinceTheLastRun_DoesNotCatchUp()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T10:00:00Z"), _ => Utc("2026-05-04T02:00:03Z"),
            pipelines: ("nightly", "0 2 * * *", "UTC"));
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc("2026-05-04T23:59:00Z"));

        Assert.That(driver.Runs, Is.Empty, driver.Log.ToString());
    }

    [Test]
    public async Task RunAsync_NeverRanBefore_WaitsForTheFirstOccurrence()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T10:00:00Z"), pipelines: ("nightly", "0 2 * * *", "UTC"));
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc("2026-05-05T03:00:00Z"));

        Assert.That(driver.RunsOf("nightly"), Is.EqualTo(new[] { Utc("2026-05-05T02:00:00Z") }));
    }

    [Test]
    public async Task RunAsync_DataRootLockedByAnotherProcess_DefersSaysSoAndRetries()
    {
        using var temp = new TempFolder();
        var manual = RunLock.TryAcquire(temp.Path, new RunLockHolder("intraday", "20260504T015930Z-abcdef", Utc("2026-05-04T01:59:30Z"), 4242), out _);
        await using var driver = new SchedulerDriver(Utc("2026-05-03T12:00:00Z"), options: new SchedulerOptions { LockRetry = TimeSpan.FromMinutes(2) },
            pipelines: ("nightly", "0 2 * * *", "UTC"));
        // Like RunEngine: take the data root's lock or report who holds it (exit 4).
        driver.Outcome = name =>
        {
            using var runLock = RunLock.TryAcquire(temp.Path, new RunLockHolder(name, "x", driver.Clock.GetUtcNow(), Environment.ProcessId), out var holder);
            return runLock is null
                ? SchedulerDriver.Summary(name, ExitCodes.Locked, $"another run holds the data root {temp.Path}: {holder}. Nothing was done; try again when it has finished.")
                : SchedulerDriver.Summary(name);
        };
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc("2026-05-04T02:01:00Z"));
        Assert.That(driver.Log.Lines, Has.One.Matches<string>(l => l.StartsWith("Warning: nightly: run due at 2026-05-04 02:00:00 +00:00 UTC deferred, another run holds the data root", StringComparison.Ordinal)
            && l.Contains("pipeline 'intraday', run 20260504T015930Z-abcdef") && l.Contains("tries again at 2026-05-04 02:02:00 +00:00 UTC")), driver.Log.ToString());
        manual!.Dispose();
        await driver.AdvanceToAsync(Utc("2026-05-05T12:00:00Z"));

        Assert.That(driver.RunsOf("nightly"), Is.EqualTo(new[] { Utc("2026-05-04T02:00:00Z"), Utc("2026-05-04T02:02:00Z"), Utc("2026-05-05T02:00:00Z") }),
            "tried at 02:00, ran at the retry, then back on schedule");
        Assert.That(driver.Log.Lines.Count(l => l.Contains("deferred")), Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_DueWhileAnotherPipelineRuns_WaitsSaysSoAndRunsOnceAfterwards()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T01:50:00Z"), pipelines: [("nightly", "0 2 * * *", "UTC"), ("intraday", "*/15 * * * *", "UTC")]);
        await driver.StartAsync();
        await driver.AdvanceToAsync(Utc("2026-05-04T01:59:00Z"));
        driver.Hold();

        await driver.AdvanceToAsync(Utc("2026-05-04T02:40:00Z"));
        Assert.That(driver.Runs.Select(r => r.Pipeline), Is.EqualTo(new[] { "nightly" }), "nightly won the tie at 02:00 by file order and holds the data root; intraday waits");
        Assert.That(driver.Log.Lines, Has.One.EqualTo(
            "Warning: intraday: due at 2026-05-04 02:00:00 +00:00 UTC while the run of nightly started at 2026-05-04 02:00:00 +00:00 UTC holds the data root; deferred, it starts when that run has finished"));
        await driver.ReleaseAsync();
        await driver.AdvanceToAsync(Utc("2026-05-04T03:00:00Z"));

        Assert.That(driver.RunsOf("intraday"), Is.EqualTo(new[] { Utc("2026-05-04T02:40:00Z"), Utc("2026-05-04T02:45:00Z"), Utc("2026-05-04T03:00:00Z") }),
            "the 02:00, 02:15 and 02:30 occurrences make one run when nightly is done, then the rhythm goes on");
        Assert.That(driver.RunsOf("nightly"), Is.EqualTo(new[] { Utc("2026-05-04T02:00:00Z") }));
    }

    [Test]
    public async Task RunAsync_DueAgainWhileItsOwnRunGoesOn_RunsOnceWhenItEnds()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T09:55:00Z"), pipelines: ("intraday", "*/15 * * * *", "UTC"));
        await driver.StartAsync();
        driver.Hold();
        await driver.AdvanceToAsync(Utc("2026-05-04T10:50:00Z"));

        await driver.ReleaseAsync();

        Assert.That(driver.RunsOf("intraday"), Is.EqualTo(new[] { Utc("2026-05-04T10:00:00Z"), Utc("2026-05-04T10:50:00Z") }), driver.Log.ToString());
        Assert.That(driver.Log.Lines.Count(l => l.Contains("is still going; deferred")), Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_RunThrows_SaysWhyAndKeepsTheSchedule()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T12:00:00Z"), pipelines: ("nightly", "0 2 * * *", "UTC"));
        var calls = 0;
        driver.Outcome = name => ++calls == 1 ? throw new IOException("disk full") : SchedulerDriver.Summary(name);
        await driver.StartAsync();

        await driver.AdvanceToAsync(Utc("2026-05-06T12:00:00Z"));

        Assert.That(driver.RunsOf("nightly"), Has.Count.EqualTo(2));
        Assert.That(driver.Log.Lines, Has.One.EqualTo("Error: nightly: run failed before its summary (IOException: disk full); next run at 2026-05-06 02:00:00 +00:00 UTC"));
    }

    [Test]
    public async Task RunAsync_StoppedWhileARunGoesOn_LetsItFinishWithinTheGrace()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T01:59:00Z"), options: new SchedulerOptions { StopGrace = TimeSpan.FromMinutes(5) },
            pipelines: ("nightly", "0 2 * * *", "UTC"));
        await driver.StartAsync();
        driver.Hold();
        await driver.AdvanceToAsync(Utc("2026-05-04T02:00:00Z"));
        await driver.SettledAsync();

        await driver.StopAsync();
        await driver.Until(() => driver.Log.Lines.Any(l => l.Contains("Stopping: waiting up to 5 min for the run of nightly")), "the stop to be announced");
        Assert.That(driver.Loop.IsCompleted, Is.False, "the loop waits for the run");
        driver.Clock.Advance(TimeSpan.FromMinutes(4));
        driver.Release();
        await driver.Loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(driver.LastRunToken.IsCancellationRequested, Is.False, "the run was not cancelled");
        Assert.That(driver.Log.Lines, Has.None.Contains("cancelling"));
        Assert.That(driver.Log.Lines, Has.Some.StartsWith("Information: nightly: run 20260101T000000Z-000000 ended with exit code 0"));
    }

    [Test]
    public async Task RunAsync_StoppedAndTheRunOutlastsTheGrace_CancelsItCleanly()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T01:59:00Z"), options: new SchedulerOptions { StopGrace = TimeSpan.FromSeconds(30) },
            pipelines: ("nightly", "0 2 * * *", "UTC"));
        await driver.StartAsync();
        driver.Hold();
        await driver.AdvanceToAsync(Utc("2026-05-04T02:00:00Z"));
        await driver.SettledAsync();

        await driver.StopAsync();
        await driver.Until(() => driver.Log.Lines.Any(l => l.Contains("Stopping: waiting up to 30 s")), "the stop to be announced");
        await driver.Until(() =>
        {
            driver.Clock.Advance(TimeSpan.FromSeconds(5));
            return driver.Loop.IsCompleted;
        }, "the loop to end after the grace");

        await driver.Loop;
        Assert.That(driver.LastRunToken.IsCancellationRequested, Is.True);
        Assert.That(driver.Log.Lines, Has.Some.StartsWith("Warning: Stopping: cancelling the run of nightly"));
        Assert.That(driver.Log.Lines, Has.Some.EqualTo("Warning: nightly: run cancelled"));
    }

    [Test]
    public async Task RunAsync_StoppedWhileIdle_EndsAtOnce()
    {
        await using var driver = new SchedulerDriver(Utc("2026-05-04T12:00:00Z"), pipelines: ("nightly", "0 2 * * *", "UTC"));
        await driver.StartAsync();

        await driver.StopAsync();

        await driver.Loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(driver.Runs, Is.Empty);
    }

    [Test]
    public async Task RunAsync_DefaultMaxSleep_NoticesAClockJumpWithinAMinute()
    {
        var driver = new SchedulerDriver(Utc("2026-05-04T12:00:00Z"), pipelines: ("nightly", "0 2 * * *", "UTC"));
        await using (driver)
        {
            var scheduler = new Scheduler(driver.Scheduler.Pipelines, (_, _) => Task.FromResult(SchedulerDriver.Summary("nightly")), _ => null, new SchedulerOptions(), driver.Clock, driver.Log);
            using var stop = new CancellationTokenSource();
            var loop = scheduler.RunAsync(stop.Token);
            await driver.Until(() => scheduler.Sleeping is not null, "the loop to sleep");

            Assert.That(scheduler.Sleeping!.Until - scheduler.Sleeping.At, Is.EqualTo(TimeSpan.FromMinutes(1)), "the next run is 14 h away, yet the loop looks again in a minute");
            await stop.CancelAsync();
            await loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
