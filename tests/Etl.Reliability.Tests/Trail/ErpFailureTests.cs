using System.Text;
using Etl.Reliability.Tests.Support;

namespace Etl.Reliability.Tests.Trail;

/// <summary>
/// DESIGN.md invariant 7 (every run leaves a trail) when the ERP cannot be opened by the order import: the entities
/// already published go on, the orders fail (exit 3), and the run still ends with its summary, never with exit 1
/// "unexpected error". Both were defects found here (an exception other than DbException escaped the run; SqlClient
/// refused to work under InvariantGlobalization), fixed in 407fb0a.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ErpFailureTests
{
    private const string InventoryDrop = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,5,5,0\n";

    [Test]
    public async Task Run_ErpConnectionStringRefusedByTheProvider_FailsTheOrdersWithExit3AndTheSummary()
    {
        using var root = new DataRoot();
        var run = RunIntraday(root, new Dictionary<string, string>
        {
            ["ETL_Erp__ConnectionString"] = $"Data Source={Path.Combine(root.Path, "erp.db")};Password=x",
        });

        AssertTrail(root, run, expectedExitCode: 3);
        await Invariants.AssertNothingPartialAsync(root.Path);
    }

    [Test]
    public async Task Run_SqlServerUnreachable_FailsTheOrdersWithExit3AndTheSummary()
    {
        using var root = new DataRoot();
        var run = RunIntraday(root, new Dictionary<string, string>
        {
            ["ETL_Erp__Provider"] = "sqlserver",
            ["ETL_Erp__ConnectionString"] = "Server=127.0.0.1,1;User ID=etl;Password=x;Connect Timeout=2;Encrypt=false",
        });

        AssertTrail(root, run, expectedExitCode: 3);
        await Invariants.AssertNothingPartialAsync(root.Path);
    }

    private static EtlResult RunIntraday(DataRoot root, Dictionary<string, string> environment)
    {
        root.Drop("inventory", "inventory.csv", Encoding.UTF8.GetBytes(InventoryDrop));
        return EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "run", "intraday", "--no-upload", "--data-root", root.Path);
    }

    private static void AssertTrail(DataRoot root, EtlResult run, int expectedExitCode)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(expectedExitCode), run.ToString());
            Assert.That(run.Stderr, Does.Not.Contain("unexpected error"), "an ERP that cannot be opened is expected, not unexpected");
            var runIds = root.RunIds();
            Assert.That(runIds, Has.Count.EqualTo(1), "one report folder");
            if (runIds.Count == 1)
            {
                Assert.That(File.Exists(root.Report(runIds[0], "summary.json")), Is.True, "summary.json is written");
                if (File.Exists(root.Report(runIds[0], "summary.json")))
                {
                    var summary = root.Summary(runIds[0]);
                    Assert.That((int?)summary["exit_code"], Is.EqualTo(expectedExitCode));
                    Assert.That((string?)summary["entities"]!["inventory"]!["status"], Is.EqualTo("done"), "the inventory went on");
                    Assert.That(summary["notices"]!.AsArray().Select(n => (string?)n), Has.Some.Contains("orders"), "the summary says the orders failed");
                }
            }
            Assert.That(root.Payloads("inventory"), Has.Count.EqualTo(1), "the inventory was published");
        }
    }
}
