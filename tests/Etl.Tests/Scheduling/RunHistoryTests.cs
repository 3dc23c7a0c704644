using Etl.Scheduling;
using Etl.Tests.Support;

namespace Etl.Tests.Scheduling;

/// <summary>When a pipeline last ran, read from the reports every finished run leaves.</summary>
public sealed class RunHistoryTests
{
    private TempFolder _root = null!;

    [SetUp]
    public void SetUp() => _root = new TempFolder();

    [TearDown]
    public void TearDown() => _root.Dispose();

    private void Report(string runId, string pipeline, string startedAt) =>
        _root.Write($"reports/{runId}/summary.json", $$"""{ "run_id": "{{runId}}", "pipeline": "{{pipeline}}", "started_at": "{{startedAt}}", "exit_code": 0 }""");

    [Test]
    public void LastStart_SeveralRuns_IsTheNewestRunOfThatPipeline()
    {
        Report("20260501T020000Z-aaaaaa", "nightly", "2026-05-01T02:00:00.1234567+00:00");
        Report("20260502T020000Z-bbbbbb", "nightly", "2026-05-02T02:00:00+00:00");
        Report("20260502T021500Z-cccccc", "intraday", "2026-05-02T02:15:00+00:00");
        _root.Write("reports/20260503T020000Z-dddddd/report.html", "<html/>"); // killed before its summary

        Assert.Multiple(() =>
        {
            Assert.That(RunHistory.LastStart(_root.Path, "nightly"), Is.EqualTo(new DateTimeOffset(2026, 5, 2, 2, 0, 0, TimeSpan.Zero)));
            Assert.That(RunHistory.LastStart(_root.Path, "intraday"), Is.EqualTo(new DateTimeOffset(2026, 5, 2, 2, 15, 0, TimeSpan.Zero)));
            Assert.That(RunHistory.LastStart(_root.Path, "weekly"), Is.Null);
        });
    }

    [Test]
    public void LastStart_DamagedSummary_LooksFurtherBack()
    {
        Report("20260501T020000Z-aaaaaa", "nightly", "2026-05-01T02:00:00Z");
        _root.Write("reports/20260502T020000Z-bbbbbb/summary.json", "{ not json");

        Assert.That(RunHistory.LastStart(_root.Path, "nightly"), Is.EqualTo(new DateTimeOffset(2026, 5, 1, 2, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void LastStart_NoReportsYet_IsNull() => Assert.That(RunHistory.LastStart(_root.Path, "nightly"), Is.Null);
}
