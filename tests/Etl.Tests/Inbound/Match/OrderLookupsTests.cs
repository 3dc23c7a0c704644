using Etl.Configuration;
using Etl.Erp;
using Etl.Inbound;
using Etl.Inbound.Match;

namespace Etl.Tests.Inbound.Match;

/// <summary>The ERP lookups of a page on a real embedded ERP: a few batched queries per page, never one per order.</summary>
[TestFixture]
public sealed class OrderLookupsTests
{
    private string _root = null!;
    private ErpGateway _erp = null!;

    [SetUp]
    public async Task SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "etl-lookups-" + Guid.NewGuid().ToString("N")[..8]);
        var database = new ErpDatabase(new ErpSettings(), _root);
        _erp = await ErpGateway.OpenAsync(database, "WEB-", CancellationToken.None);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO customers VALUES ('C-1', 'Acme', 'ACC-1', 1, NULL, NULL);
            INSERT INTO items VALUES ('A-1', 'Valve', 'EA', 'V', 1, 1), ('B-2', 'Pipe', 'M', 'P', 1, 1);
            INSERT INTO sales_orders VALUES ('SO-1', 'C-1', 'PO-1', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp'),
                                            ('WEB-000002', 'C-1', 'PO-2', 'P-2', 'OPEN', 'EUR', '2026-11-01', 10, 'portal');
            INSERT INTO sales_order_lines VALUES ('SO-1', 1, 'A-1', 2, 5), ('WEB-000002', 1, 'B-2', 2, 5);
            """;
        await command.ExecuteNonQueryAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _erp.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static PortalOrder Order(int i) => new()
    {
        Id = "P-" + i, AccountId = "ACC-" + (i % 3), CustomerPo = "PO-" + i, ErpOrderNo = "SO-" + i, Status = "ACKNOWLEDGED",
        Lines = [new PortalOrderLine { LineNo = 1, Sku = i % 2 == 0 ? "A-1" : "B-2", Qty = 1 }, new PortalOrderLine { LineNo = 2, Sku = "X-" + i, Qty = 1 }],
    };

    private async Task<(OrderLookups Lookups, long Queries)> ReadAsync(int orders)
    {
        var before = _erp.ReadQueries;
        var lookups = await OrderLookups.ReadAsync(_erp, [.. Enumerable.Range(1, orders).Select(Order)], CancellationToken.None);
        return (lookups, _erp.ReadQueries - before);
    }

    [Test]
    public async Task ReadAsync_APageOfAHundredOrders_SendsAsManyQueriesAsForTwo()
    {
        var (small, fewQueries) = await ReadAsync(2);
        var (page, pageQueries) = await ReadAsync(100);

        Assert.That(pageQueries, Is.EqualTo(fewQueries), "the number of queries does not grow with the orders of a page");
        Assert.That(pageQueries, Is.LessThanOrEqualTo(8), "five lookups, and the lines of the orders three of them found");
        Assert.That(small.ByPortalId.Keys, Is.EqualTo(new[] { "P-2" }));
        Assert.That(page.ByNumber.Keys, Is.EqualTo(new[] { "SO-1" }));
        Assert.That(page.Unlinked.Single().Lines.Single().Sku, Is.EqualTo("A-1"));
        Assert.That(page.Items, Is.EquivalentTo(new[] { "A-1", "B-2" }));
    }
}
