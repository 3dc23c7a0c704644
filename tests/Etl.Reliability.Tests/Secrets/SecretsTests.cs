using System.Text;
using Etl.Reliability.Tests.Support;

namespace Etl.Reliability.Tests.Secrets;

/// <summary>
/// DESIGN.md invariant 8: an API key (and a connection string's password) never appears in stdout, stderr, or any
/// file under the data root (logs, reports, summaries, receipts, error files, the state database), byte for byte.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SecretsTests
{
    private const string ApiKey = "sk-live-SECRET123";
    private const string InventoryDrop = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\nA-1,MAIN,5,5,0\nA-2,MAIN,3,3,0\n";

    [TestCase("plain")]
    [TestCase("json")]
    public async Task RunAndUpload_PortalRefusesTheKey_Exit2AndTheKeyAppearsNowhere(string logFormat)
    {
        using var sandboxState = new DataRoot();
        await using var portal = await PortalFixture.StartAsync(sandboxState.Path);
        using var root = new DataRoot();
        root.Drop("inventory", "inventory.csv", Encoding.UTF8.GetBytes(InventoryDrop));
        var environment = portal.Environment(ApiKey);
        environment["ETL_Log__Format"] = logFormat;

        var run = EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "run", "intraday", "--data-root", root.Path);
        var upload = EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "upload", "--data-root", root.Path);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), "a refused key is configuration: " + run);
            Assert.That(upload.ExitCode, Is.EqualTo(2), "a refused key is configuration: " + upload);
            Assert.That(Directory.GetFiles(root.Outbox, "*.json"), Has.Length.EqualTo(1), "the payload stays in outbox/ for a later pass");
            Assert.That(run.Stdout + run.Stderr + upload.Stdout + upload.Stderr, Does.Contain("401").Or.Contain("refused").Or.Contain("API key").IgnoreCase, "the operator is told the key was refused");
            AssertNowhere(ApiKey, root.Path, run, upload);
        }
        await Invariants.AssertNothingPartialAsync(root.Path);
    }

    [Test]
    public void Run_SqlitePasswordInTheConnectionString_TheConnectionStringAppearsNowhere()
    {
        const string password = "sk-db-SECRET456";
        using var root = new DataRoot();
        root.Drop("inventory", "inventory.csv", Encoding.UTF8.GetBytes(InventoryDrop));
        var environment = new Dictionary<string, string>
        {
            ["ETL_Erp__ConnectionString"] = $"Data Source={Path.Combine(root.Path, "erp.db")};Password={password}",
        };

        var run = EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "run", "intraday", "--no-upload", "--data-root", root.Path);

        Assert.That(run.ExitCode, Is.Not.Zero, "the embedded SQLite cannot open an encrypted ERP: " + run);
        AssertNowhere(password, root.Path, run);
    }

    [Test]
    public void Run_SqlServerPasswordInTheConnectionString_ThePasswordAppearsNowhere()
    {
        const string password = "sk-db-SECRET789";
        using var root = new DataRoot();
        root.Drop("inventory", "inventory.csv", Encoding.UTF8.GetBytes(InventoryDrop));
        var environment = new Dictionary<string, string>
        {
            ["ETL_Erp__Provider"] = "sqlserver",
            ["ETL_Erp__ConnectionString"] = $"Server=127.0.0.1,1;User ID=etl;Password={password};Connect Timeout=2;Encrypt=false",
        };

        var run = EtlCommand.Run(EtlCommand.RepositoryRoot, environment, "run", "intraday", "--no-upload", "--data-root", root.Path);

        AssertNowhere(password, root.Path, run);
    }

    /// <summary>The secret in no output and in no file under the data root, as UTF-8 or UTF-16 bytes.</summary>
    private static void AssertNowhere(string secret, string dataRoot, params EtlResult[] results)
    {
        foreach (var result in results)
        {
            Assert.That(result.Stdout, Does.Not.Contain(secret), "stdout");
            Assert.That(result.Stderr, Does.Not.Contain(secret), "stderr");
        }
        var patterns = new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) };
        var files = Directory.GetFiles(dataRoot, "*", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty);
        var leaks = files.Where(f =>
        {
            var bytes = File.ReadAllBytes(f);
            return patterns.Any(p => bytes.AsSpan().IndexOf(p) >= 0);
        }).Select(f => Path.GetRelativePath(dataRoot, f));
        Assert.That(leaks, Is.Empty, "files under the data root holding the secret");
    }
}
