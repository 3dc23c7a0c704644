using System.Text.Json.Nodes;
using Etl.EndToEnd.Tests.Support;
using Etl.State;

namespace Etl.EndToEnd.Tests;

/// <summary>
/// etl serve as a child process, stopped the way systemd (SIGTERM) and a terminal (Ctrl+C, SIGINT) stop it. The
/// pipeline's schedule has six fields (seconds first) and fires every two seconds, so no test waits for a minute.
/// </summary>
[TestFixture]
public sealed class ServeTests
{
    private const string Pipeline = "every-two-seconds";
    private const string Inventory = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,5,7,2\nA-2,MAIN,0,0,0\n";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private DataRoot _root = null!;
    private string _work = null!;

    [SetUp]
    public void SetUp()
    {
        _root = new DataRoot();
        _work = Path.Combine(Path.GetTempPath(), "etl-e2e-serve-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(_work, "pipelines"));
        WritePipeline(Pipeline, "*/2 * * * * *");
    }

    [TearDown]
    public void TearDown()
    {
        _root.Dispose();
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    private void WritePipeline(string name, string schedule) =>
        File.WriteAllText(Path.Combine(_work, "pipelines", name + ".json"), $$"""
            {
              "schedule": "{{schedule}}",
              "time_zone": "Europe/Berlin",
              "entities": { "inventory": { "source": "drop" } }
            }
            """);

    private EtlProcess Serve(IDictionary<string, string>? environment = null) => EtlProcess.Start(_work, environment, "serve", "--data-root", _root.Path);

    /// <summary>The summaries written so far (a report folder gets its summary.json last).</summary>
    private List<JsonNode> Summaries() =>
        [.. _root.RunIds().Where(id => File.Exists(Path.Combine(_root.Path, "reports", id, "summary.json"))).Select(_root.Summary)];

    private static async Task<T> Eventually<T>(Func<T?> probe, string what, EtlProcess serve) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {Patience.TotalSeconds:0} s waiting for {what}.\n{serve}");
            await Task.Delay(100);
        }
    }

    [Test]
    public async Task Serve_SecondServeOnTheSameDataRoot_Exits4()
    {
        using var first = Serve();
        await first.WaitForOutputAsync("etl serve: watching", Patience);

        var second = EtlCommand.Run(_work, (IDictionary<string, string>?)null, "serve", "--data-root", _root.Path);
        first.Signal("TERM");
        await first.WaitForExitAsync(Patience);

        Assert.That(second.ExitCode, Is.EqualTo(4), second.ToString());
        Assert.That(second.Stderr, Does.Contain("another etl serve already runs"));
    }

    [Test]
    public async Task Serve_DropWhileServing_RunsOnScheduleDeliversAndStopsCleanlyOnSigterm()
    {
        using var serve = Serve();
        await serve.WaitForOutputAsync("etl serve: watching", Patience);

        _root.Drop("inventory", "inventory.csv", Inventory);
        var summary = await Eventually(() => Summaries().FirstOrDefault(s => s["entities"]?["inventory"]?["status"]?.GetValue<string>() == "done"), "a run that took the drop", serve);
        var sent = await Eventually(() => _root.Payloads("inventory").FirstOrDefault(p => p.Contains($"{Path.DirectorySeparatorChar}sent{Path.DirectorySeparatorChar}", StringComparison.Ordinal)),
            "the payload to be delivered", serve);
        serve.Signal("TERM");
        var exitCode = await serve.WaitForExitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, serve.ToString());
            Assert.That(summary["pipeline"]!.GetValue<string>(), Is.EqualTo(Pipeline));
            Assert.That(summary["entities"]!["inventory"]!["added"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(summary["exit_code"]!.GetValue<int>(), Is.Zero);
            Assert.That(DataRoot.Records([sent]), Has.Count.EqualTo(2));
            Assert.That(serve.Stdout, Does.Contain($"{Pipeline}: scheduled '*/2 * * * * *' in Europe/Berlin; next run at "));
            Assert.That(serve.Stdout, Does.Contain($"{Pipeline}: starting its scheduled run"));
            Assert.That(serve.Stdout, Does.EndWith("etl serve: stopped.\n"));
            Assert.That(serve.Stderr, Is.Empty);
            Assert.That(File.Exists(Path.Combine(_root.Path, "state", "run.lock.json")), Is.False, "no run holds the data root after the stop");
        });
    }

    [Test]
    public async Task Serve_CtrlC_StopsCleanly()
    {
        using var serve = Serve();
        await serve.WaitForOutputAsync($"{Pipeline}: run ", Patience);
        if (serve.Ignores(2))
        {
            Assert.Ignore("This test runner starts children with SIGINT ignored (a background job of a non-interactive shell), so Ctrl+C cannot be sent; the SIGTERM test covers the stop.");
        }

        serve.Signal("INT");
        var exitCode = await serve.WaitForExitAsync(Patience);

        Assert.That(exitCode, Is.Zero, serve.ToString());
        Assert.That(serve.Stdout, Does.EndWith("etl serve: stopped.\n"));
    }

    [Test]
    public async Task Serve_DataRootHeldByAnotherRun_DefersSaysWhoAndRunsWhenFree()
    {
        var started = DateTimeOffset.UtcNow;
        var manual = RunLock.TryAcquire(_root.Path, new RunLockHolder("nightly", "20261130T020000Z-0a1b2c", started, Environment.ProcessId), out _);
        Assert.That(manual, Is.Not.Null);
        using var serve = Serve(new Dictionary<string, string> { ["ETL_Serve__LockRetry"] = "00:00:01" });
        try
        {
            await serve.WaitForOutputAsync("deferred, another run holds the data root", Patience);
            Assert.That(serve.Stdout, Does.Contain("pipeline 'nightly', run 20261130T020000Z-0a1b2c").And.Contain("etl serve tries again at "));
            Assert.That(Summaries(), Is.Empty, "nothing ran while the data root was held");
        }
        finally
        {
            manual!.Dispose();
        }

        await Eventually(() => Summaries().FirstOrDefault(), "a run once the data root is free", serve);
        serve.Signal("TERM");

        Assert.That(await serve.WaitForExitAsync(Patience), Is.Zero, serve.ToString());
    }

    [Test]
    public void Serve_InvalidSchedule_Exits2NamingTheFileAndTheKey()
    {
        WritePipeline("broken", "0 2 * *");

        var result = EtlCommand.Run(_work, (IDictionary<string, string>?)null, "serve", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("etl: pipelines/broken.json: schedule = '0 2 * *' is not a cron expression: it has 4 field(s)"));
        Assert.That(result.Stdout, Is.Empty, "nothing was started");
    }

    [Test]
    public void Serve_InvalidTimeZone_Exits2NamingTheFileAndTheKey()
    {
        File.WriteAllText(Path.Combine(_work, "pipelines", "broken.json"), """{ "schedule": "0 2 * * *", "time_zone": "Europe/Berlim", "entities": {} }""");

        var result = EtlCommand.Run(_work, (IDictionary<string, string>?)null, "serve", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("etl: pipelines/broken.json: time_zone = 'Europe/Berlim' is not a known IANA time zone"));
    }
}
