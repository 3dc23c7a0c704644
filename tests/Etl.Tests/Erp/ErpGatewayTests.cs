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

    private static NewErpOrder NewOrder(string portalOrderId, params ErpOrderLine[] lines) =>
        new(portalOrderId, "C-1", null, "EUR", new DateOnly(2026, 11, 30), lines.Sum(l => l.Qty * l.UnitPrice), lines);

    private async Task<string> ScalarAsync(string sql)
    {
        await using var connection = await new ErpDatabase(new ErpSettings(), _root).OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Test]
    public async Task Write_APageOfCreatesAndLinks_CommitsThemTogetherInOneTransaction()
    {
        var line = new ErpOrderLine(1, "A-1", 2, 5m);

        var results = await _erp.WriteAsync([new ErpCreate(NewOrder("P-10", line)), new ErpLink("SO-1", "P-11"), new ErpCreate(NewOrder("P-12", line, line with { LineNo = 2 }))],
            CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[]
        {
            new ErpWriteResult(true, "WEB-000008", true, null),
            new ErpWriteResult(true, "SO-1", false, null),
            new ErpWriteResult(true, "WEB-000009", true, null),
        }));
        Assert.That(_erp.Transactions, Is.EqualTo(1));
        Assert.That(await ScalarAsync("SELECT group_concat(erp_order_no || ':' || portal_order_id, ' ') FROM (SELECT * FROM sales_orders WHERE portal_order_id IS NOT NULL ORDER BY erp_order_no)"),
            Is.EqualTo("SO-1:P-11 WEB-000007:P-7 WEB-000008:P-10 WEB-000009:P-12"));
        Assert.That(await ScalarAsync("SELECT count(*) FROM sales_order_lines WHERE erp_order_no IN ('WEB-000008', 'WEB-000009')"), Is.EqualTo("3"));
    }

    [Test]
    public async Task Write_OneWriteOfAGroupFails_NoHalfOrderStaysAndOnlyThatOneFails()
    {
        var line = new ErpOrderLine(1, "A-1", 1, 1m);
        // Line 1 twice: the second line breaks the lines' key after the header and the first line were written.
        var broken = NewOrder("P-21", line, line);

        var results = await _erp.WriteAsync([new ErpCreate(NewOrder("P-20", line)), new ErpCreate(broken), new ErpLink("SO-1", "P-22"), new ErpCreate(NewOrder("P-23", line))],
            CancellationToken.None);

        Assert.That(results[1].Failure, Does.Contain("UNIQUE"), "the broken order fails, with the database's reason");
        Assert.That(results.Where((_, i) => i != 1), Is.EqualTo(new[]
        {
            new ErpWriteResult(true, "WEB-000008", true, null),
            new ErpWriteResult(true, "SO-1", false, null),
            new ErpWriteResult(true, "WEB-000009", true, null),
        }), "the others are written again, each in a transaction of its own; the failed one used no number");
        Assert.That(_erp.Transactions, Is.EqualTo(1 + 4), "the group, rolled back, then each write alone");
        Assert.That(await _erp.OrdersByPortalIdAsync(["P-21"], CancellationToken.None), Is.Empty, "no header of the broken order");
        Assert.That(await ScalarAsync("SELECT count(*) FROM sales_order_lines l WHERE NOT EXISTS (SELECT 1 FROM sales_orders o WHERE o.erp_order_no = l.erp_order_no)"),
            Is.EqualTo("0"), "no line without its header");
        Assert.That(await ScalarAsync("SELECT count(*) FROM sales_orders WHERE portal_order_id IN ('P-20', 'P-22', 'P-23')"), Is.EqualTo("3"));
    }

    [Test]
    public async Task Write_SamePortalOrderTwiceInOneGroup_CreatesItOnce()
    {
        var order = NewOrder("P-30", new ErpOrderLine(1, "A-1", 1, 1m));

        var results = await _erp.WriteAsync([new ErpCreate(order), new ErpCreate(order)], CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[] { new ErpWriteResult(true, "WEB-000008", true, null), new ErpWriteResult(true, "WEB-000008", false, null) }));
        Assert.That(await _erp.OrdersByPortalIdAsync(["P-30"], CancellationToken.None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Write_OrderCreatedBeforeTheGroup_IsFoundInsideTheTransactionAndNotCreatedAgain()
    {
        var results = await _erp.WriteAsync([new ErpCreate(NewOrder("P-7")), new ErpCreate(NewOrder("P-40"))], CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[] { new ErpWriteResult(true, "WEB-000007", false, null), new ErpWriteResult(true, "WEB-000008", true, null) }));
    }
}
