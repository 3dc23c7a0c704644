using Etl.Reliability.Tests.Support;

namespace Etl.Reliability.Tests.Configuration;

/// <summary>
/// Bad pipeline files, appsettings.json files and ETL_ variables: each is exit 2 with stderr naming the file or the
/// variable and the key, and the data root is left exactly as it was (no outbox, no state, no report, the waiting
/// drop not taken), whether it held a previous run's state or did not exist.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class BadConfigurationTests
{
    private DataRoot _template = null!;

    /// <summary>A data root after one good run (state, snapshot, payload, reports) with the next drop waiting.</summary>
    [OneTimeSetUp]
    public void PrepareTemplate()
    {
        _template = new DataRoot();
        _template.Drop("inventory", "day1.csv", "sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,5,5,0\n"u8.ToArray());
        var first = EtlCommand.Run("run", "intraday", "--only", "inventory", "--no-upload", "--data-root", _template.Path);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        _template.Drop("inventory", "day2.csv", "sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,6,6,0\n"u8.ToArray());
    }

    [OneTimeTearDown]
    public void DeleteTemplate() => _template.Dispose();

    [TestCaseSource(typeof(BadConfigurations), nameof(BadConfigurations.Cases))]
    public void Run_BadConfiguration_Exits2NamingTheSourceAndKeyAndTouchesNothing(BadConfiguration bad)
    {
        using var work = new DataRoot();
        var pipeline = Path.Combine(work.Path, "broken.json");
        File.WriteAllText(pipeline, bad.Pipeline ?? BadConfigurations.GoodPipeline);
        if (bad.AppSettings is not null) File.WriteAllText(Path.Combine(work.Path, "appsettings.json"), bad.AppSettings);
        var existing = Path.Combine(work.Path, "existing");
        DataRoot.Copy(_template.Path, existing);
        var missing = Path.Combine(work.Path, "missing");
        var before = FileTree.Of(existing);

        var onExisting = EtlCommand.Run(work.Path, new Dictionary<string, string>(bad.Environment), "run", pipeline, "--no-upload", "--data-root", existing);
        var onMissing = EtlCommand.Run(work.Path, new Dictionary<string, string>(bad.Environment), "run", pipeline, "--data-root", missing);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onExisting.ExitCode, Is.EqualTo(2), onExisting.ToString());
            foreach (var name in bad.Names) Assert.That(onExisting.Stderr, Does.Contain(name), "stderr names the source and the key");
            Assert.That(onExisting.Stderr.Trim().Split('\n'), Has.Length.LessThanOrEqualTo(2), "a message, not a stack trace");
            Assert.That(FileTree.Diff(before, FileTree.Of(existing)), Is.Empty, "the data root is left as it was");
            Assert.That(onMissing.ExitCode, Is.EqualTo(2), onMissing.ToString());
            Assert.That(Directory.Exists(missing), Is.False, "a data root that did not exist is not created");
        }
    }
}
