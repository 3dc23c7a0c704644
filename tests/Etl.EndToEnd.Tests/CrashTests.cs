using System.Diagnostics;
using System.Text.Json.Nodes;
using Etl.EndToEnd.Tests.Support;

namespace Etl.EndToEnd.Tests;

/// <summary>
/// Real etl processes killed (as SIGKILL would) at named steps and at random moments: the runs after a crash must
/// leave the portal exactly as a run without crashes does, with no partial file visible and no stale lock.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrashTests
{
    private static readonly string[] Entities = ["customers", "items", "list_prices", "costs", "discounts", "fixed_prices", "inventory", "order_status"];
    private static Dictionary<string, string> _reference = null!;

    [OneTimeSetUp]
    public static async Task ReferenceRunWithoutCrashes()
    {
        using var root = new DataRoot();
        await using var portal = await PortalFixture.StartAsync(root.Path);
        foreach (var day in new[] { 1, 2 })
        {
            LayDay(root, day);
            Assert.That(Nightly(root, portal).ExitCode, Is.EqualTo(0));
        }
        _reference = await PortalDataAsync(portal);
    }

    private static void LayDay(DataRoot root, int day)
    {
        foreach (var entity in Entities)
        {
            var source = Path.Combine(EtlCommand.RepositoryRoot, "sample-data", "erp", $"day-{day}", entity + ".csv");
            var target = Path.Combine(root.Path, "drop", "erp", entity, $"{entity}_day-{day}.csv");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow); // as an ERP would: day 2's drop is newer (its as_of later) than day 1's
            File.WriteAllText(target + ".done", "");
        }
    }

    private static EtlResult Nightly(DataRoot root, PortalFixture portal, string? crashAt = null)
    {
        var environment = portal.Environment();
        if (crashAt is not null) environment["ETL_TEST_CRASH_AT"] = crashAt;
        return EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "run", "nightly", "--data-root", root.Path);
    }

    private static async Task<Dictionary<string, string>> PortalDataAsync(PortalFixture portal)
    {
        var result = new Dictionary<string, string>();
        foreach (var entity in Entities) result[entity] = (await portal.GetAsync("api/v1/data/" + entity)).ToJsonString();
        return result;
    }

    private static void AssertNothingPartialAndNoLock(DataRoot root)
    {
        foreach (var payload in Directory.GetFiles(root.Outbox, "*.json"))
        {
            Assert.DoesNotThrow(() => JsonNode.Parse(File.ReadAllText(payload)), payload);
        }
        var hidden = Directory.GetFiles(root.Path, ".*.tmp", SearchOption.AllDirectories);
        Assert.That(hidden, Is.Empty, "temp files of the crashed run are swept by the next one");
        Assert.That(File.Exists(Path.Combine(root.Path, "state", "run.lock.json")), Is.False, "no stale lock description");
    }

    [TestCase("outbound.mid-payload-write")]
    [TestCase("outbound.after-payload-rename")]
    [TestCase("outbound.mid-snapshot")]
    [TestCase("upload.after-post")]
    [TestCase("upload.after-ledger")]
    public async Task Crash_AtANamedStep_TheNextRunsConvergeOnTheSamePortal(string point)
    {
        using var root = new DataRoot();
        await using var portal = await PortalFixture.StartAsync(root.Path);
        LayDay(root, 1);

        var crashed = Nightly(root, portal, point);
        Assert.That(crashed.ExitCode, Is.Not.EqualTo(0), $"the process should have died at {point}: {crashed}");
        Assert.That(Nightly(root, portal).ExitCode, Is.EqualTo(0), "the run after the crash");
        LayDay(root, 2);
        var day2 = Nightly(root, portal);

        Assert.That(day2.ExitCode, Is.EqualTo(0), day2.ToString());
        Assert.That(await PortalDataAsync(portal), Is.EqualTo(_reference), $"the portal after a crash at {point}");
        AssertNothingPartialAndNoLock(root);
    }

    [Test]
    public async Task Crash_AtRandomMoments_TheNextRunsConvergeOnTheSamePortal()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ETL_TEST_SEED"), out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        using var root = new DataRoot();
        await using var portal = await PortalFixture.StartAsync(root.Path);
        LayDay(root, 1);
        for (var kill = 0; kill < 3; kill++) KillAfter(root, portal, TimeSpan.FromMilliseconds(random.Next(300, 2500)));
        Assert.That(Nightly(root, portal).ExitCode, Is.EqualTo(0), $"seed {seed}");
        LayDay(root, 2);
        KillAfter(root, portal, TimeSpan.FromMilliseconds(random.Next(300, 2500)));
        var last = Nightly(root, portal);

        Assert.That(last.ExitCode, Is.EqualTo(0), $"seed {seed}: {last}");
        Assert.That(await PortalDataAsync(portal), Is.EqualTo(_reference), $"seed {seed} (set ETL_TEST_SEED to replay)");
        AssertNothingPartialAndNoLock(root);
    }

    private static void KillAfter(DataRoot root, PortalFixture portal, TimeSpan delay)
    {
        using var process = Process.Start(EtlCommand.StartInfo(EtlCommand.RepositoryRoot, portal.Environment(), "run", "nightly", "--data-root", root.Path))!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(delay)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }
}
