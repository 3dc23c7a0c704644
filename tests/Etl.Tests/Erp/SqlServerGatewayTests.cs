using Etl.Configuration;
using Etl.Erp;

namespace Etl.Tests.Erp;

/// <summary>
/// The order import's gateway against a real SQL Server (schema portal); runs only when ETL_TEST_SQLSERVER holds a
/// connection string, and creates the contract's tables there when they are missing. Its rows carry a unique
/// prefix and are removed afterwards.
/// </summary>
[Category("SqlServer")]
public sealed class SqlServerGatewayTests
{
    private ErpDatabase _database = null!;
    private readonly string _tag = "T" + Guid.NewGuid().ToString("N")[..6] + "-";

    [SetUp]
    public async Task SetUp()
    {
        var connectionString = Environment.GetEnvironmentVariable("ETL_TEST_SQLSERVER");
        if (string.IsNullOrWhiteSpace(connectionString)) Assert.Ignore("ETL_TEST_SQLSERVER not set");
        _database = new ErpDatabase(new ErpSettings { Provider = "sqlserver", ConnectionString = connectionString }, Path.GetTempPath());
        await ExecuteAsync($"""
            IF SCHEMA_ID('portal') IS NULL EXEC('CREATE SCHEMA portal');
            IF OBJECT_ID('portal.customers') IS NULL CREATE TABLE portal.customers(customer_no nvarchar(40) PRIMARY KEY, name nvarchar(200),
                portal_account_id nvarchar(40) NULL, approved int, price_list nvarchar(40), discount_group nvarchar(40));
            IF OBJECT_ID('portal.items') IS NULL CREATE TABLE portal.items(sku nvarchar(40) PRIMARY KEY, description nvarchar(200), uom nvarchar(40),
                product_class nvarchar(40), weight_kg decimal(18,4), active int);
            IF OBJECT_ID('portal.sales_orders') IS NULL CREATE TABLE portal.sales_orders(erp_order_no nvarchar(40) PRIMARY KEY, customer_no nvarchar(40),
                customer_po nvarchar(40), portal_order_id nvarchar(40) NULL, status nvarchar(40), currency nvarchar(3), order_date nvarchar(10),
                total decimal(18,4), source nvarchar(40));
            IF OBJECT_ID('portal.sales_order_lines') IS NULL CREATE TABLE portal.sales_order_lines(erp_order_no nvarchar(40), line_no int, sku nvarchar(40),
                qty int, unit_price decimal(18,4), PRIMARY KEY(erp_order_no, line_no));
            INSERT INTO portal.customers VALUES ('{_tag}C-1', 'Acme', '{_tag}ACC-1', 1, NULL, NULL);
            INSERT INTO portal.items VALUES ('{_tag}A-1', 'Valve', 'EA', 'V', 0.2, 1);
            INSERT INTO portal.sales_orders VALUES ('{_tag}SO-1', '{_tag}C-1', '{_tag}PO-1', NULL, 'OPEN', 'EUR', '2026-11-01', 10, 'erp');
            INSERT INTO portal.sales_order_lines VALUES ('{_tag}SO-1', 1, '{_tag}A-1', 2, 5);
            """);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_database is null) return;
        await ExecuteAsync($"""
            DELETE FROM portal.sales_order_lines WHERE sku LIKE '{_tag}%';
            DELETE FROM portal.sales_orders WHERE customer_no LIKE '{_tag}%';
            DELETE FROM portal.items WHERE sku LIKE '{_tag}%';
            DELETE FROM portal.customers WHERE customer_no LIKE '{_tag}%';
            """);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task Gateway_LookupsLinkAndCreate_WorkOnSqlServer()
    {
        await using var erp = await ErpGateway.OpenAsync(_database, _tag + "WEB-", CancellationToken.None);

        var customers = await erp.CustomersByAccountAsync([_tag + "ACC-1"], CancellationToken.None);
        var unlinked = await erp.UnlinkedOrdersByPoAsync([_tag + "PO-1"], CancellationToken.None);
        Assert.That(customers[_tag + "ACC-1"].Approved, Is.True);
        Assert.That(unlinked.Single().Lines.Single().Qty, Is.EqualTo(2));

        var written = await erp.WriteAsync([
            new ErpLink(_tag + "SO-1", _tag + "P-1"),
            new ErpCreate(new NewErpOrder(_tag + "P-2", _tag + "C-1", null, "EUR", new DateOnly(2026, 11, 30), 5m, [new ErpOrderLine(1, _tag + "A-1", 1, 5m)])),
            new ErpCreate(new NewErpOrder(_tag + "P-3", _tag + "C-1", null, "EUR", new DateOnly(2026, 11, 30), 5m, [new ErpOrderLine(1, _tag + "A-1", 1, 5m)])),
        ], CancellationToken.None);
        Assert.That(written, Is.EqualTo(new[]
        {
            new ErpWriteResult(true, _tag + "SO-1", false, null),
            new ErpWriteResult(true, _tag + "WEB-000001", true, null),
            new ErpWriteResult(true, _tag + "WEB-000002", true, null),
        }));
    }
}
