using System.Text.RegularExpressions;
using Etl.EndToEnd.Tests.Support;
using Snapshooter.NUnit;

namespace Etl.EndToEnd.Tests;

/// <summary>What operators and analysts read after the demo's two days: etl runs, runs show, snapshots list/show/diff.</summary>
[TestFixture]
public sealed partial class OperatorCommandsTests
{
    private static DataRoot _root = null!;
    private static List<string> _runs = null!;

    [OneTimeSetUp]
    public static void TwoDemoDays()
    {
        _root = new DataRoot();
        Assert.That(EtlCommand.Run("demo", "--data-root", _root.Path).ExitCode, Is.EqualTo(0));
        Assert.That(EtlCommand.Run("demo", "--data-root", _root.Path).ExitCode, Is.EqualTo(0));
        _runs = _root.RunIds();
    }

    [OneTimeTearDown]
    public static void CleanUp() => _root.Dispose();

    private static string Etl(params string[] args)
    {
        var result = EtlCommand.Run([.. args, "--data-root", _root.Path]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var stable = _root.Stable(result.Stdout);
        return Size().Replace(DateTime().Replace(Duration().Replace(stable, "<duration>"), "<date>"), "<size>");
    }

    [Test]
    public void Runs_AfterTwoDays_ListsBothNewestFirst()
    {
        var output = Etl("runs");
        Snapshot.Match(output);
    }

    [Test]
    public void RunsShow_TheDeltaRun_ShowsCountsAndReports()
    {
        var output = Etl("runs", "show", _runs[1]);
        Snapshot.Match(output);
    }

    [Test]
    public void RunsShow_UnknownRun_Exits2()
    {
        var result = EtlCommand.Run("runs", "show", "20990101T000000Z-000000", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no run '20990101T000000Z-000000'"));
    }

    [Test]
    public void SnapshotsList_Inventory_ShowsRowsAndPaths()
    {
        var output = Etl("snapshots", "list", "inventory");
        Snapshot.Match(output);
    }

    [Test]
    public void SnapshotsShow_ByKey_ShowsTheRowWithIsValid()
    {
        var output = Etl("snapshots", "show", "items", "--run", _runs[0], "--key", "sku=HOSE-012", "--csv");
        Snapshot.Match(output);
    }

    [Test]
    public void SnapshotsDiff_DayOneToDayTwo_ListsAddedRemovedAndChanged()
    {
        var output = Etl("snapshots", "diff", "inventory", _runs[0], _runs[1]);
        Snapshot.Match(output);
    }

    [GeneratedRegex(@"\d+\.\d s")]
    private static partial Regex Duration();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?")]
    private static partial Regex DateTime();

    [GeneratedRegex(@"\d+\.\d (KiB|MiB)")]
    private static partial Regex Size();
}
