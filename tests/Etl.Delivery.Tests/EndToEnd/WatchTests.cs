using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Etl.Delivery.Tests.Support;

namespace Etl.Delivery.Tests.EndToEnd;

/// <summary>etl upload --watch, one sender at a time, etl sandbox, and the commands' help.</summary>
[TestFixture]
public sealed class WatchTests : DeliveryTestBase
{
    [Test]
    public async Task Watch_FileDroppedByHand_IsDeliveredAndTempAndDotFilesAreLeftAlone()
    {
        using var watcher = EtlProcess.Start(Portal.Environment(), "upload", "--watch", "--data-root", Root.Path);
        watcher.WaitForLine("etl upload: watching", TimeSpan.FromSeconds(30));
        Directory.CreateDirectory(Root.Outbox);
        var temp = Path.Combine(Root.Outbox, ".inventory_x_000001.json.tmp");
        var hidden = Path.Combine(Root.Outbox, ".notes.json");
        File.WriteAllText(temp, "{");
        File.WriteAllText(hidden, "{}");

        var dropped = Root.WritePayload("inventory", "20261130T020000Z-0a0b0c", 1, DateTimeOffset.UtcNow.AddMinutes(-5),
            new JsonObject { ["op"] = "upsert", ["sku"] = "H-1", ["warehouse"] = "MAIN", ["qty_available"] = 7 });
        var sent = await WaitForAsync(() => Root.Sent().SingleOrDefault(), TimeSpan.FromSeconds(20), watcher);

        Assert.That(Path.GetFileName(sent), Is.EqualTo(Path.GetFileName(dropped)));
        Assert.That((await Portal.DataAsync("inventory")).Single()!["qty_available"]!.GetValue<int>(), Is.EqualTo(7));

        // A second file, written slowly (as a copy over a network share would): taken only once whole.
        var slow = Path.Combine(Root.Outbox, Path.GetFileName(Root.WritePayload("inventory", "20261130T030000Z-0a0b0c", 1, DateTimeOffset.UtcNow.AddMinutes(-4),
            new JsonObject { ["op"] = "upsert", ["sku"] = "H-2", ["warehouse"] = "MAIN", ["qty_available"] = 8 })));
        var text = File.ReadAllText(slow);
        File.Delete(slow);
        await using (var stream = new FileStream(slow, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
        {
            foreach (var chunk in text.Chunk(text.Length / 3 + 1))
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(chunk));
                await stream.FlushAsync();
                await Task.Delay(400);
            }
        }
        await WaitForAsync(() => Root.Sent().Count == 2 ? "done" : null, TimeSpan.FromSeconds(20), watcher);

        Assert.That(Root.Refused(), Is.Empty, "the half-written file was never taken as a broken payload");
        Assert.That(await Portal.DataAsync("inventory"), Has.Count.EqualTo(2));
        Assert.That(File.Exists(temp) && File.Exists(hidden), Is.True, "temp and dot files are never touched");
        watcher.Kill();
        Assert.That(watcher.Stdout + watcher.Stderr, Does.Not.Contain(Portal.ApiKey));
    }

    [Test]
    public async Task Upload_WhileAnotherSenderHoldsTheOutbox_WaitsForIt()
    {
        Root.WritePayload("inventory", "20261130T020000Z-0a0b0c", 1, DateTimeOffset.UtcNow.AddMinutes(-5),
            new JsonObject { ["op"] = "upsert", ["sku"] = "L-1", ["warehouse"] = "MAIN", ["qty_available"] = 1 });
        var held = new FileStream(Path.Combine(Root.Outbox, ".sender.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var clock = Stopwatch.StartNew();
        using var upload = EtlProcess.Start(Portal.Environment(), "upload", "--data-root", Root.Path);

        await Task.Delay(2500);
        Assert.That(upload.Process.HasExited, Is.False, "it waits rather than fails\n" + upload.Output);
        Assert.That(Root.Waiting(), Has.Count.EqualTo(1), "and sends nothing meanwhile");
        await held.DisposeAsync();

        Assert.That(upload.Process.WaitForExit(30_000), Is.True);
        upload.Process.WaitForExit();
        Assert.That(upload.Process.ExitCode, Is.EqualTo(0), upload.Output);
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2.5)));
        Assert.That(Root.Sent(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Sandbox_Command_PrintsItsAddressAndServesThePortalUntilStopped()
    {
        var stateFile = Path.Combine(Root.Path, "sandbox.db");
        using var sandbox = EtlProcess.Start(null, "sandbox", "--urls", "http://127.0.0.1:0", "--state-file", stateFile, "--api-key", "cli-k3y-1234", "--data-root", Root.Path);

        var line = sandbox.WaitForLine("Now listening on: ", TimeSpan.FromSeconds(30));
        var url = line[(line.IndexOf("Now listening on: ", StringComparison.Ordinal) + "Now listening on: ".Length)..].Trim();
        Assert.That(url, Does.StartWith("http://127.0.0.1:"));
        using var client = new HttpClient { BaseAddress = new Uri(url + "/") };
        using (var anonymous = await client.GetAsync("api/v1/data/items"))
        {
            Assert.That((int)anonymous.StatusCode, Is.EqualTo(401));
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cli-k3y-1234");
        using (var ok = await client.GetAsync("api/v1/data/items"))
        {
            Assert.That((int)ok.StatusCode, Is.EqualTo(200));
        }
        Assert.That(File.Exists(stateFile), Is.True);
        Assert.That(sandbox.Stdout, Does.Not.Contain("cli-k3y-1234"));
    }

    [TestCase("upload")]
    [TestCase("sandbox")]
    public void Help_Command_HasDescriptionOptionsAndExamples(string command)
    {
        var help = EtlProcess.Run(null, command, "--help");

        Assert.That(help.ExitCode, Is.EqualTo(0), help.ToString());
        Assert.That(help.Stdout, Does.Contain("Examples:").And.Contain("--data-root").And.Contain($"etl {command}"));
        if (command == "upload") Assert.That(help.Stdout, Does.Contain("--watch"));
        else Assert.That(help.Stdout, Does.Contain("--urls").And.Contain("--state-file").And.Contain("--api-key").And.Contain("--time-zone"));
    }

    private static async Task<string> WaitForAsync(Func<string?> probe, TimeSpan timeout, RunningEtl process)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found) return found;
            await Task.Delay(100);
        }
        Assert.Fail("not delivered in time\n" + process.Output);
        return "";
    }
}
