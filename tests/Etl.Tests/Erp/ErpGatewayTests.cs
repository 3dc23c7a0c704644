using Etl.Configuration;
using Etl.Erp;

namespace Etl.Tests.Erp;

/// <summary>The order import's ERP reads and writes on a real embedded (SQLite) ERP.</summary>
[TestFixture]
public sealed class ErpGatewayTests
{
    private string _root = null!;
    private ErpGateway _erp = null!;

    [SetUp]
    public async Task SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "etl-erp-" + Guid.NewGuid().ToString("N")[..8]);
        _erp = await ErpGateway.OpenAsync(new ErpDatabase(new ErpSettings(), _root), "WEB-", CancellationToken.None);
        await ExecuteAsync("""
            INSERT INTO customers VALUES ('C-1', 'Acme', 'ACC-1', 1, NULL, NULL), ('C-2', 'Bolt', 'ACC-2', 0, NULL, NULL);
            INSERT INTO items VALUES ('A-1', 'Valve', 'EA', 'VALVES', 0.2, 1);
            INSERT INTO sales_orders VALUES ('SO-1', 'C-1', 'PO-9', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                                            ('WEB-000007', 'C-1', NULL, 'P-7', 'OPEN', 'EUR', '2026-11-02', 5, 'portal');
            INSERT INTO sales_order_lines VALUES ('SO-1', 1, 'A-1', 2, 5);
            """);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _erp.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await new ErpDatabase(new ErpSettings(), _root).OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task Lookups_ReturnCustomersItemsAndOrdersWithLines()
    {
        var customers = await _erp.CustomersByAccountAsync(["ACC-1", "ACC-2", "ACC-9"], CancellationToken.None);
        var items = await _erp.ExistingItemsAsync(["A-1", "Z-9"], CancellationToken.None);
        var unlinked = await _erp.UnlinkedOrdersByPoAsync(["PO-9"], CancellationToken.None);

        Assert.That(customers.Values, Is.EquivalentTo(new[] { new ErpCustomer("C-1", "ACC-1", true), new ErpCustomer("C-2", "ACC-2", false) }));
        Assert.That(items, Is.EquivalentTo(new[] { "A-1" }));
        Assert.That(unlinked.Single().Lines, Is.EqualTo(new[] { new ErpOrderLine(1, "A-1", 2, 5m) }));
    }

    [Test]
    public async Task Lookups_ManyKeys_AreChunkedBelowTheParameterLimit()
    {
        var keys = Enumerable.Range(0, 2500).Select(i => "ACC-" + i).ToList();

        var customers = await _erp.CustomersByAccountAsync(keys, CancellationToken.None);

        Assert.That(customers.Keys, Is.EquivalentTo(new[] { "ACC-1", "ACC-2" }));
    }

    private async Task<ErpWriteResult> WriteAsync(ErpWrite write) => (await _erp.WriteAsync([write], CancellationToken.None)).Single();

    [Test]
    public async Task Link_OrderWithoutReference_SetsItOnceOnly()
    {
        Assert.That((await WriteAsync(new ErpLink("SO-1", "P-1"))).Done, Is.True);
        Assert.That(await WriteAsync(new ErpLink("SO-1", "P-2")), Is.EqualTo(new ErpWriteResult(false, "SO-1", false, null)), "an order with a reference keeps it");
        var linked = await _erp.OrdersByPortalIdAsync(["P-1", "P-2"], CancellationToken.None);
        Assert.That(linked.Select(o => o.ErpOrderNo), Is.EqualTo(new[] { "SO-1" }));
    }

    [Test]
    public async Task Create_NewOrder_NumbersAfterTheHighestAndWritesHeaderAndLines()
    {
        var order = new NewErpOrder("P-8", "C-1", "PO-1", "EUR", new DateOnly(2026, 11, 30), 12.5m, [new ErpOrderLine(1, "A-1", 5, 2.5m)]);

        var written = await WriteAsync(new ErpCreate(order));

        Assert.That(written, Is.EqualTo(new ErpWriteResult(true, "WEB-000008", true, null)));
        var stored = (await _erp.OrdersByPortalIdAsync(["P-8"], CancellationToken.None)).Single();
        Assert.That(stored, Is.EqualTo(stored with { ErpOrderNo = "WEB-000008", CustomerNo = "C-1", CustomerPo = "PO-1", Status = "OPEN" }));
        Assert.That(stored.Lines, Is.EqualTo(new[] { new ErpOrderLine(1, "A-1", 5, 2.5m) }));
    }

    [Test]
    public async Task Create_SamePortalOrderTwice_ReturnsTheFirstOrderInsteadOfADuplicate()
    {
        var order = new NewErpOrder("P-8", "C-1", null, "EUR", new DateOnly(2026, 11, 30), 0m, []);

        var first = await WriteAsync(new ErpCreate(order));
        var second = await WriteAsync(new ErpCreate(order));

        Assert.That(second, Is.EqualTo(new ErpWriteResult(true, first.ErpOrderNo, false, null)));
        Assert.That(await _erp.OrdersByPortalIdAsync(["P-8"], CancellationToken.None), Has.Count.EqualTo(1));
    }
}
