using Etl.Delivery.Tests.Support;
using Etl.Entities;

namespace Etl.Delivery.Tests.EndToEnd;

/// <summary>
/// A fresh data root and a fresh sandbox portal (in the test process, real HTTP on loopback) per test; etl runs as a
/// child process pointed at it through ETL_Portal__BaseUrl and ETL_Portal__ApiKey, with short retry delays.
/// </summary>
public abstract class DeliveryTestBase
{
    /// <summary>The nightly pipeline's outbound entities (orders left out: these tests are about the outbox).</summary>
    protected static readonly string AllEntities = string.Join(',', EntityCatalog.All.Select(e => e.Name));

    protected const string InventoryHeader = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\n";

    private string _portalFolder = null!;

    internal DataRoot Root { get; private set; } = null!;

    internal Sandbox Portal { get; private set; } = null!;

    protected string SandboxStateFile => Path.Combine(_portalFolder, "portal.db");

    [SetUp]
    public async Task StartAsync()
    {
        Root = new DataRoot();
        _portalFolder = Path.Combine(Path.GetTempPath(), "etl-delivery-portal-" + Guid.NewGuid().ToString("N")[..10]);
        Portal = await Sandbox.StartAsync(SandboxStateFile);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await Portal.DisposeAsync();
        Root.Dispose();
        if (Directory.Exists(_portalFolder)) Directory.Delete(_portalFolder, recursive: true);
    }

    /// <summary>Runs etl against the sandbox with the data root appended.</summary>
    internal EtlResult Etl(params string[] args) => EtlWith(Portal.Environment(), args);

    /// <summary>Runs etl with a given environment and the data root appended.</summary>
    internal EtlResult EtlWith(IDictionary<string, string> environment, params string[] args) =>
        EtlProcess.Run(environment, [.. args, "--data-root", Root.Path]);

    /// <summary>Lays a sample day's ERP drops (sample-data/erp/day-N), as etl demo does.</summary>
    protected void LaySampleDay(int day)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(EtlProcess.RepositoryRoot, "sample-data", "erp", $"day-{day}"), "*.csv"))
        {
            var entity = Path.GetFileNameWithoutExtension(file);
            Root.Drop(entity, $"{entity}_day-{day}.csv", File.ReadAllText(file));
        }
    }

    /// <summary>A nightly run of every outbound entity (its drain included unless --no-upload is given).</summary>
    internal EtlResult Nightly(params string[] extra) => Etl([.. new[] { "run", "nightly", "--only", AllEntities }, .. extra]);

    /// <summary>An intraday run of inventory alone.</summary>
    internal EtlResult Inventory(params string[] extra) => Etl([.. new[] { "run", "intraday", "--only", "inventory" }, .. extra]);

    /// <summary>Asserts that the portal holds exactly what the delivered payloads say, entity by entity.</summary>
    protected async Task AssertPortalHoldsTheDeliveredRecordsAsync()
    {
        var expected = ExpectedPortal.Fold(Root.Sent());
        foreach (var entity in EntityCatalog.All.Select(e => e.Name))
        {
            var actual = ExpectedPortal.ByKey(entity, await Portal.DataAsync(entity));
            Assert.That(actual, Is.EqualTo(expected.GetValueOrDefault(entity) ?? []), entity);
        }
    }
}
