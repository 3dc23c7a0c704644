using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.EndToEnd.Tests.Support;
using Snapshooter.NUnit;

namespace Etl.EndToEnd.Tests;

/// <summary>The README's main command, run twice on a fresh data root: the full first run, then the delta run.</summary>
[TestFixture]
public sealed class DemoTests
{
    private DataRoot _root = null!;

    [SetUp]
    public void SetUp() => _root = new DataRoot();

    [TearDown]
    public void TearDown() => _root.Dispose();

    [Test]
    public void Demo_TwoDays_PublishesExactlyTheValidChanges()
    {
        var first = EtlCommand.Run("demo", "--data-root", _root.Path);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        var day1 = _root.Payloads();
        var second = EtlCommand.Run("demo", "--data-root", _root.Path);
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        var day2 = _root.Payloads().Except(day1).ToList();

        var runs = _root.RunIds();
        Assert.That(runs, Has.Count.EqualTo(2));
        Snapshot.Match(Stable(new JsonObject { ["day1"] = RecordsByEntity(day1), ["day2"] = RecordsByEntity(day2) }));
    }

    [Test]
    public void Demo_TwoDays_SummariesCountEveryStage()
    {
        EtlCommand.Run("demo", "--data-root", _root.Path);
        var second = EtlCommand.Run("demo", "--data-root", _root.Path);
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        var summaries = new JsonArray([.. _root.RunIds().Select(id => _root.Summary(id))]);
        Snapshot.Match(Stable(summaries));
        Assert.That(second.Stdout, Does.Contain("order_status").And.Contain("ship_date_required"), "the delta run prints its summary and the invalid records");
    }

    [Test]
    public void Demo_ThirdCall_HasNoNewDayAndSendsNothing()
    {
        EtlCommand.Run("demo", "--data-root", _root.Path);
        EtlCommand.Run("demo", "--data-root", _root.Path);
        var before = _root.Payloads();
        var third = EtlCommand.Run("demo", "--data-root", _root.Path);
        Assert.That(third.ExitCode, Is.EqualTo(0), third.ToString());
        Assert.That(third.Stdout, Does.Contain("every sample day has been laid"));
        Assert.That(_root.Payloads(), Is.EqualTo(before));
    }

    private static JsonObject RecordsByEntity(IEnumerable<string> payloads)
    {
        var result = new JsonObject();
        foreach (var group in payloads.GroupBy(p => Path.GetFileName(p).Split('_', 2)[1].Split("_2")[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            result[group.Key] = DataRoot.Records(group);
        }
        return result;
    }

    private string Stable(JsonNode node) => _root.Stable(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
