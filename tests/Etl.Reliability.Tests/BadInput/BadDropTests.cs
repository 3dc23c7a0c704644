using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Etl.Reliability.Tests.Support;

namespace Etl.Reliability.Tests.BadInput;

/// <summary>
/// The bad-input corpus through the real etl command, one fresh data root per drop: the contract's outcome, a message
/// a steward can act on, and nothing partial left visible. Each drop is run once and looked at by the three tests.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class BadDropTests
{
    /// <summary>A pipeline with the corpus's entities; inventory runs through the repository's intraday pipeline.</summary>
    private const string CorpusPipeline = """
        { "entities": { "items": { "source": "drop" }, "list_prices": { "source": "drop" }, "inventory": { "source": "drop" } } }
        """;

    private readonly ConcurrentDictionary<string, Lazy<Task<DropRun>>> _runs = new();

    [OneTimeTearDown]
    public void DeleteDataRoots()
    {
        foreach (var run in _runs.Values.Where(r => r.IsValueCreated && r.Value.IsCompletedSuccessfully)) run.Value.Result.Root.Dispose();
    }

    [TestCaseSource(typeof(BadDropCorpus), nameof(BadDropCorpus.Outcomes))]
    public async Task Run_BadDrop_GetsTheContractOutcome(BadDrop drop)
    {
        var run = await RunAsync(drop);
        var root = run.Root;
        var entity = drop.Entity;
        var summary = root.Summary(run.RunId)["entities"]![entity]!;
        var failed = Path.Combine(root.FailedFolder(entity), drop.FileName);
        var processed = Path.Combine(root.DropFolder(entity), "processed", run.RunId, drop.FileName);
        var waiting = Path.Combine(root.DropFolder(entity), drop.FileName);

        using (Assert.EnterMultipleScope())
        {
            switch (drop.Outcome)
            {
                case DropOutcome.Read:
                    Assert.That(run.Result.ExitCode, Is.Zero, "exit code");
                    Assert.That((string?)summary["status"], Is.EqualTo("done"));
                    Assert.That((int?)summary["read"], Is.EqualTo(drop.Rows), "rows read");
                    Assert.That((int?)summary["invalid"], Is.EqualTo(drop.Invalid.Select(r => r.Line).Distinct().Count()), "invalid records");
                    Assert.That(Canonical(DataRoot.Records(root.Payloads(entity))), Is.EqualTo(Canonical(JsonNode.Parse(drop.Published)!.AsArray())), "published records");
                    Assert.That(StewardRows(root, run.RunId, entity), Is.EquivalentTo(drop.Invalid.Select(r => $"{drop.FileName}|{r.Line}|{r.Field}|{r.Value}|{r.Rule}")), "steward report rows (file|line|field|value|rule)");
                    Assert.That(File.Exists(processed), Is.True, "the drop moves to processed/<run-id>/");
                    Assert.That(root.Snapshots(entity), Has.Count.EqualTo(1), "one snapshot");
                    break;
                case DropOutcome.FileFails:
                case DropOutcome.EntityStops:
                    Assert.That(run.Result.ExitCode, Is.EqualTo(3), "exit code");
                    Assert.That((string?)summary["status"], Is.EqualTo(drop.Outcome == DropOutcome.FileFails ? "failed" : "stopped"));
                    Assert.That(File.Exists(failed), Is.True, "the drop moves to failed/");
                    Assert.That(File.Exists(failed + ".error.txt"), Is.True, "the reason stands beside it");
                    Assert.That(File.Exists(waiting), Is.False, "nothing left in the drop folder");
                    Assert.That(root.Payloads(), Is.Empty, "nothing published");
                    Assert.That(root.Snapshots(entity), Is.Empty, "no snapshot");
                    Assert.That(File.Exists(Path.Combine(root.Path, "reports", run.RunId, entity + ".invalid.csv")), Is.False, "no steward report for a file that was not read");
                    if (drop.Outcome == DropOutcome.FileFails && File.Exists(failed + ".error.txt"))
                    {
                        var where = drop.FileName + (drop.Line is { } line ? $", line {line}" : "") + (drop.Column is { } column ? $", column {column}" : "") + ":";
                        Assert.That(File.ReadAllText(failed + ".error.txt"), Does.StartWith(where), "the reason names the file, the physical line and the column");
                    }
                    break;
                case DropOutcome.LeftForLater:
                    Assert.That(run.Result.ExitCode, Is.Zero, "exit code");
                    Assert.That((string?)summary["status"], Is.EqualTo("skipped"));
                    Assert.That(File.Exists(waiting), Is.True, "the drop stays where the ERP writes it");
                    Assert.That(File.ReadAllBytes(waiting), Is.EqualTo(drop.Content), "untouched");
                    Assert.That(Directory.Exists(root.FailedFolder(entity)), Is.False, "not failed");
                    Assert.That(Directory.Exists(Path.Combine(root.DropFolder(entity), "processed")), Is.False, "not taken");
                    Assert.That(root.Payloads(), Is.Empty, "nothing published");
                    Assert.That(root.Snapshots(entity), Is.Empty, "no snapshot");
                    break;
            }
        }
    }

    [TestCaseSource(typeof(BadDropCorpus), nameof(BadDropCorpus.Messages))]
    public async Task Run_BadDrop_TellsTheStewardWhereAndWhatWasExpected(BadDrop drop)
    {
        var run = await RunAsync(drop);
        var root = run.Root;
        var summary = root.Summary(run.RunId)["entities"]![drop.Entity]!;
        var summaryText = File.ReadAllText(root.Report(run.RunId, "summary.txt"));

        using (Assert.EnterMultipleScope())
        {
            if (drop.Outcome is DropOutcome.FileFails or DropOutcome.EntityStops)
            {
                var errorFile = Path.Combine(root.FailedFolder(drop.Entity), drop.FileName + ".error.txt");
                var reason = File.Exists(errorFile) ? File.ReadAllText(errorFile) : "";
                Assert.That(reason, Does.Contain(drop.FileName), "the reason names the file");
                if (drop.Line is { } line) Assert.That(reason, Does.Contain($"line {line}"), "the reason names the physical line");
                if (drop.Column is { } column) Assert.That(reason, Does.Contain($"column {column}"), "the reason names the column");
                foreach (var text in drop.Says) Assert.That(reason, Does.Contain(text).IgnoreCase, "the reason says what was expected");
                Assert.That((string?)summary["reason"], Does.Contain(reason.Trim()), "summary.json carries the reason");
                Assert.That(summaryText, Does.Contain(reason.Trim()), "summary.txt carries the reason");
                Assert.That(run.Result.Stdout, Does.Contain(reason.Trim()), "the log shows the reason");
            }
            else if (drop.Outcome == DropOutcome.LeftForLater)
            {
                foreach (var text in drop.Says) Assert.That((string?)summary["reason"], Does.Contain(text), "the reason says why the drop waits and how to release it");
                Assert.That(run.Result.Stdout, Does.Contain("still being written"), "the log says so");
            }
            else
            {
                var report = ReadSteward(root, run.RunId, drop.Entity);
                foreach (var expected in drop.Invalid)
                {
                    var row = report.FirstOrDefault(r => r[1] == expected.Line.ToString(System.Globalization.CultureInfo.InvariantCulture) && r[3] == expected.Field);
                    Assert.That(row, Is.Not.Null, $"line {expected.Line}, {expected.Field} in the steward report");
                    if (row is null) continue;
                    Assert.That(row[0], Is.EqualTo(drop.FileName), "file");
                    Assert.That(row[2], Is.Not.Empty, "key");
                    Assert.That(row[6], Does.Contain(expected.Expected), $"line {expected.Line}: the message says what was expected");
                    Assert.That(row[6], Does.Contain(expected.Field).Or.Contain(Shorten(expected.Value)), $"line {expected.Line}: the message names the field or the value");
                    Assert.That(row[6], Has.Length.LessThan(400), "a message a person reads, not the whole value");
                }
                Assert.That(summaryText, Does.Contain($"line {drop.Invalid[0].Line}"), "summary.txt points at an example line");
            }
        }
    }

    [TestCaseSource(typeof(BadDropCorpus), nameof(BadDropCorpus.Every))]
    public async Task Run_BadDrop_LeavesNothingPartialAndNoLock(BadDrop drop)
    {
        var run = await RunAsync(drop);

        await Invariants.AssertNothingPartialAsync(run.Root.Path);
    }

    private Task<DropRun> RunAsync(BadDrop drop) =>
        _runs.GetOrAdd(drop.Name, _ => new Lazy<Task<DropRun>>(() => Task.Run(() => Execute(drop)))).Value;

    private static DropRun Execute(BadDrop drop)
    {
        var root = new DataRoot();
        root.Drop(drop.Entity, drop.FileName, drop.Content, drop.Settled);
        string pipeline;
        if (drop.Entity == "inventory")
        {
            pipeline = "intraday";
        }
        else
        {
            pipeline = Path.Combine(root.Path, "corpus.json");
            File.WriteAllText(pipeline, CorpusPipeline);
        }
        var result = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string>(drop.Environment),
            "run", pipeline, "--only", drop.Entity, "--no-upload", "--data-root", root.Path);
        var runIds = root.RunIds();
        if (runIds.Count != 1) throw new InvalidOperationException($"expected one run report for {drop.Name}, found {runIds.Count}\n{BadDropCorpus.Show(drop.Content)}\n{result}");
        return new DropRun(root, result, runIds[0]);
    }

    private static List<string> Canonical(JsonArray records) =>
        [.. records.Select(r => r!.ToJsonString()).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> StewardRows(DataRoot root, string runId, string entity) =>
        ReadSteward(root, runId, entity).Select(r => $"{r[0]}|{r[1]}|{r[3]}|{r[4]}|{r[5]}");

    /// <summary>The rows of &lt;entity&gt;.invalid.csv (file, line, key, field, value, rule, message), read as RFC 4180.</summary>
    private static List<string[]> ReadSteward(DataRoot root, string runId, string entity)
    {
        var path = root.Report(runId, entity + ".invalid.csv");
        if (!File.Exists(path)) return [];
        var rows = Rfc4180.Parse(File.ReadAllText(path));
        Assert.That(rows[0], Is.EqualTo(new[] { "file", "line", "key", "field", "value", "rule", "message" }), "steward report header");
        return [.. rows.Skip(1)];
    }

    private static string Shorten(string value) => value.Length > 20 ? value[..20] : value;

    private sealed record DropRun(DataRoot Root, EtlResult Result, string RunId);
}
