using System.Text.Json.Nodes;
using Etl.EndToEnd.Tests.Support;
using Etl.State;

namespace Etl.EndToEnd.Tests;

/// <summary>etl run as an operator drives it: exit codes, guards, failed files, the run lock, SQL sources.</summary>
[TestFixture]
public sealed class RunCommandTests
{
    private const string InventoryHeader = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\n";
    private DataRoot _root = null!;

    [SetUp]
    public void SetUp() => _root = new DataRoot();

    [TearDown]
    public void TearDown() => _root.Dispose();

    private EtlResult Intraday(params string[] extra) =>
        EtlCommand.Run([.. new[] { "run", "intraday", "--data-root", _root.Path, "--no-upload" }, .. extra]);

    private static string Inventory(int rows, int start = 0) =>
        InventoryHeader + string.Concat(Enumerable.Range(start, rows).Select(i => $"SKU-{i:D4},MAIN,{i},{i + 2},2\n"));

    [Test]
    public void Run_BrokenFile_FailsEntityMovesFileWithReasonAndOthersGoOn()
    {
        _root.Drop("inventory", "inventory.csv", InventoryHeader + "A-1,MAIN,5,5,0\nA-2,\"MAIN,5,5,0\n");
        _root.Drop("order_status", "order_status.csv", "erp_order_no,portal_order_id,status,ship_date,carrier,tracking_no\nSO-1,PO-1,IN_PROGRESS,,,\n");

        var result = Intraday();

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var failed = Path.Combine(_root.Path, "drop", "erp", "inventory", "failed", "inventory.csv");
        Assert.That(File.Exists(failed), Is.True, "the broken file moves to failed/");
        Assert.That(File.ReadAllText(failed + ".error.txt"), Does.Contain("inventory.csv, line 3"));
        Assert.That(_root.Payloads("inventory"), Is.Empty, "nothing of the failed entity is published");
        Assert.That(_root.Payloads("order_status"), Has.Count.EqualTo(1), "the other entity goes on");
        var summary = _root.Summary(_root.RunIds()[0]);
        Assert.That(summary["entities"]!["inventory"]!["status"]!.GetValue<string>(), Is.EqualTo("failed"));
        Assert.That(Directory.GetFiles(Path.Combine(_root.Path, "snapshots"), "inventory_*", SearchOption.AllDirectories), Is.Empty, "no snapshot for a failed entity");
    }

    [Test]
    public void Run_MassRemoval_StopsUntilAllowed()
    {
        _root.Drop("inventory", "day1.csv", Inventory(50));
        Assert.That(Intraday("--only", "inventory").ExitCode, Is.EqualTo(0));
        _root.Drop("inventory", "day2.csv", Inventory(20));

        var stopped = Intraday("--only", "inventory");
        Assert.That(stopped.ExitCode, Is.EqualTo(3), stopped.ToString());
        Assert.That(stopped.Stdout, Does.Contain("would remove 30 of the 50 records").And.Contain("--allow-mass-removal"));
        Assert.That(_root.Payloads("inventory"), Has.Count.EqualTo(1), "the stopped drop published nothing");

        File.Move(Path.Combine(_root.Path, "drop", "erp", "inventory", "failed", "day2.csv"), Path.Combine(_root.Path, "drop", "erp", "inventory", "day2.csv"));
        File.WriteAllText(Path.Combine(_root.Path, "drop", "erp", "inventory", "day2.csv.done"), "");
        var allowed = Intraday("--only", "inventory", "--allow-mass-removal");
        Assert.That(allowed.ExitCode, Is.EqualTo(0), allowed.ToString());
        var deletes = DataRoot.Records(_root.Payloads("inventory").Skip(1)).Count(r => r!["op"]!.GetValue<string>() == "delete");
        Assert.That(deletes, Is.EqualTo(30));
    }

    [Test]
    public void Run_HeaderOnlyDrop_StopsTheEntity()
    {
        _root.Drop("inventory", "day1.csv", Inventory(5));
        Intraday("--only", "inventory");
        _root.Drop("inventory", "day2.csv", InventoryHeader);

        var result = Intraday("--only", "inventory");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Stdout, Does.Contain("has a header but no rows"));
        Assert.That(_root.Payloads("inventory"), Has.Count.EqualTo(1));
    }

    [Test]
    public void Run_SecondRunWhileLocked_Exits4NamingTheHolder()
    {
        using var held = RunLock.TryAcquire(_root.Path, new RunLockHolder("nightly", "20261130T020000Z-abcdef", DateTimeOffset.UtcNow, 1234), out _);
        Assert.That(held, Is.Not.Null);

        var result = Intraday();

        Assert.That(result.ExitCode, Is.EqualTo(4), result.ToString());
        Assert.That(result.Stderr, Does.Contain("nightly").And.Contain("20261130T020000Z-abcdef"));
    }

    [Test]
    public void Run_LockLeftByAKilledRun_DoesNotBlock()
    {
        var state = Path.Combine(_root.Path, "state");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "run.lock"), "");
        File.WriteAllText(Path.Combine(state, "run.lock.json"), """{"Pipeline":"nightly","RunId":"x","StartedAt":"2026-11-30T02:00:00Z","ProcessId":999999}""");
        _root.Drop("inventory", "inventory.csv", Inventory(3));

        var result = Intraday();

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_root.Payloads("inventory"), Has.Count.EqualTo(1));
    }

    [Test]
    public void Run_UnknownKeyInPipeline_Exits2NamingFileAndKey()
    {
        var pipeline = Path.Combine(_root.Path, "broken.json");
        File.WriteAllText(pipeline, """{ "entities": { "inventory": { "source": "drop", "tolerance": { "qty_available": 1 } } } }""");

        var result = EtlCommand.Run("run", pipeline, "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("broken.json").And.Contain("entities.inventory.tolerance"));
    }

    [Test]
    public void Run_BadEnvironmentSetting_Exits2NamingTheVariable()
    {
        var result = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string> { ["ETL_Drop__SettleTime"] = "two seconds" },
            "run", "intraday", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("environment variable ETL_Drop__SettleTime").And.Contain("two seconds"));
    }

    [Test]
    public void Run_OnlyWithAnEntityThePipelineLacks_Exits2()
    {
        var result = Intraday("--only", "costs");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("'costs'").And.Contain("intraday"));
    }

    [Test]
    public void Run_UnknownPipeline_Exits2ListingKnownOnes()
    {
        var result = EtlCommand.Run("run", "nightlly", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("nightlly").And.Contain("nightly"));
    }

    [Test]
    public void Run_SqlSourceOnTheEmbeddedErp_ExtractsTheQueryResult()
    {
        var pipeline = Path.Combine(_root.Path, "items-from-erp.json");
        File.WriteAllText(pipeline, """
            { "entities": { "items": { "source": "sql",
              "query": "SELECT sku, description, uom, product_class, weight_kg, active FROM items ORDER BY sku" } } }
            """);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_root.Path, "erp.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Erp.ErpDatabase.EmbeddedSchema + """
                INSERT INTO items VALUES ('A-1', 'Valve, brass 1/2"', 'EA', 'VALVES', 0.25, 1);
                INSERT INTO items VALUES ('B-2', 'Pipe 22mm', 'M', 'PIPES', 1.5, 0);
                """;
            command.ExecuteNonQuery();
        }

        var result = EtlCommand.Run("run", pipeline, "--data-root", _root.Path, "--no-upload");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var records = DataRoot.Records(_root.Payloads("items"));
        Assert.That(records.ToJsonString(), Is.EqualTo(
            """[{"op":"upsert","sku":"A-1","description":"Valve, brass 1/2\u0022","uom":"EA","product_class":"VALVES","weight_kg":0.25,"active":true},{"op":"upsert","sku":"B-2","description":"Pipe 22mm","uom":"M","product_class":"PIPES","weight_kg":1.5,"active":false}]"""));
    }

    [Test]
    public void Run_DropStillBeingWritten_IsLeftForALaterRun()
    {
        var folder = Path.Combine(_root.Path, "drop", "erp", "inventory");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "inventory.csv"), Inventory(3));
        File.WriteAllText(Path.Combine(folder, ".inventory2.csv"), Inventory(3));
        File.WriteAllText(Path.Combine(folder, "inventory3.csv.part"), Inventory(3));

        var result = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string> { ["ETL_Drop__SettleTime"] = "00:10:00" },
            "run", "intraday", "--data-root", _root.Path, "--no-upload");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_root.Payloads(), Is.Empty);
        Assert.That(result.Stdout, Does.Contain("still being written"));
        Assert.That(File.Exists(Path.Combine(folder, "inventory.csv")), Is.True, "an unsettled drop stays where it is");
    }

    [Test]
    public void Run_SupersededDrops_TheNewestWinsAndOlderMoveToProcessed()
    {
        var older = _root.Drop("inventory", "a.csv", Inventory(2));
        File.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddMinutes(-10));
        _root.Drop("inventory", "b.csv", Inventory(3, start: 100));

        var result = Intraday("--only", "inventory");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var skus = DataRoot.Records(_root.Payloads("inventory")).Select(r => r!["sku"]!.GetValue<string>()).ToList();
        Assert.That(skus, Is.EqualTo(new[] { "SKU-0100", "SKU-0101", "SKU-0102" }));
        var processed = Directory.GetFiles(Path.Combine(_root.Path, "drop", "erp", "inventory", "processed"), "*.csv", SearchOption.AllDirectories).Select(Path.GetFileName);
        Assert.That(processed, Is.EquivalentTo(new[] { "a.csv", "b.csv" }));
    }

    [Test]
    public void Run_FullResync_SendsEveryValidRecordAgain()
    {
        _root.Drop("inventory", "day1.csv", Inventory(4));
        Intraday("--only", "inventory");
        _root.Drop("inventory", "day2.csv", Inventory(4));

        var unchanged = Intraday("--only", "inventory");
        Assert.That(_root.Payloads("inventory"), Has.Count.EqualTo(1), "an unchanged drop writes no payload");
        Assert.That(unchanged.ExitCode, Is.EqualTo(0));

        _root.Drop("inventory", "day3.csv", Inventory(4));
        var resync = Intraday("--only", "inventory", "--full-resync");
        Assert.That(resync.ExitCode, Is.EqualTo(0), resync.ToString());
        Assert.That(DataRoot.Records(_root.Payloads("inventory").Skip(1)), Has.Count.EqualTo(4));
    }

    [Test]
    public void Run_FullResyncWithoutANewDrop_ResendsTheLastSnapshot()
    {
        _root.Drop("inventory", "day1.csv", Inventory(3) + "BAD-1,MAIN,9,5,0\n");
        Intraday("--only", "inventory");

        var resync = Intraday("--only", "inventory", "--full-resync");

        Assert.That(resync.ExitCode, Is.EqualTo(0), resync.ToString());
        var resent = DataRoot.Records(_root.Payloads("inventory").Skip(1)).Select(r => r!["sku"]!.GetValue<string>());
        Assert.That(resent, Is.EqualTo(new[] { "SKU-0000", "SKU-0001", "SKU-0002" }), "the valid records of the last snapshot, not the invalid one");
    }

    [Test]
    public void Run_JsonLog_WritesOneJsonObjectPerLogLine()
    {
        _root.Drop("inventory", "inventory.csv", Inventory(3));

        var result = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string> { ["ETL_Log__Format"] = "json" },
            "run", "intraday", "--data-root", _root.Path, "--no-upload");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var events = result.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.That(events.Select(e => (string?)e["Message"]), Has.Some.Contains("inventory: read 3"));
        Assert.That(events, Has.All.Matches<System.Text.Json.Nodes.JsonNode>(e => e["LogLevel"] is not null && e["Timestamp"] is not null));
    }

    [Test]
    public void Run_UnknownLogFormat_Exits2()
    {
        var result = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string> { ["ETL_Log__Format"] = "xml" },
            "run", "intraday", "--data-root", _root.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("ETL_Log__Format"));
    }

    [TestCase("outbound.payload")]
    [TestCase("outbound.snapshot")]
    public void Run_DiskWriteFails_FailsTheEntityCleanlyAndTheNextRunSendsEverything(string point)
    {
        _root.Drop("inventory", "inventory.csv", Inventory(5));
        _root.Drop("order_status", "order_status.csv", "erp_order_no,portal_order_id,status,ship_date,carrier,tracking_no\nSO-1,PO-1,IN_PROGRESS,,,\n");

        var failed = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string> { ["ETL_TEST_FAIL_AT"] = point },
            "run", "intraday", "--data-root", _root.Path, "--no-upload");

        Assert.That(failed.ExitCode, Is.EqualTo(3), failed.ToString());
        Assert.That(failed.Stdout, Does.Contain("No space left on device"));
        Assert.That(_root.Payloads("inventory"), Is.Empty, "nothing of the entity is published");
        Assert.That(Directory.GetFiles(_root.Path, ".*.tmp", SearchOption.AllDirectories), Is.Empty, "no temp file left behind");
        Assert.That(File.Exists(Path.Combine(_root.Path, "drop", "erp", "inventory", "inventory.csv")), Is.True, "the drop stays for the next run");

        var next = Intraday();
        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        Assert.That(DataRoot.Records(_root.Payloads("inventory")), Has.Count.EqualTo(5), "the baseline did not advance: every record is sent");
    }

    [Test]
    public void Run_SnapshotWriteFailsWhileTheDropIsStillBeingRead_FailsTheEntityInsteadOfWaiting()
    {
        // The first row group fails with more of the drop to come than the graph's queues hold: the blocks in front of
        // the snapshot must stop too, or the reader waits for room for ever.
        _root.Drop("inventory", "inventory.csv", Inventory(600_000));

        var failed = EtlCommand.Run(EtlCommand.RepositoryRoot, new Dictionary<string, string> { ["ETL_TEST_FAIL_AT"] = "outbound.snapshot" },
            "run", "intraday", "--only", "inventory", "--data-root", _root.Path, "--no-upload");

        Assert.That(failed.ExitCode, Is.EqualTo(3), failed.ToString());
        Assert.That(failed.Stdout, Does.Contain("No space left on device"));
        Assert.That(_root.Payloads("inventory"), Is.Empty, "nothing of the entity is published");
        Assert.That(Directory.GetFiles(_root.Path, ".*.tmp", SearchOption.AllDirectories), Is.Empty, "no temp file left behind");
    }

    [Test]
    public void Help_EveryCommand_HasDescriptionAndExamples()
    {
        foreach (var command in new[] { "run", "demo", "upload", "sandbox", "serve", "runs", "runs show", "snapshots list", "snapshots show", "snapshots diff", "review list" })
        {
            var result = EtlCommand.Run([.. command.Split(' '), "--help"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Stdout, Does.Contain("Examples:").And.Contain("--data-root"), command);
        }
    }
}
