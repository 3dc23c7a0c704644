using Etl.Configuration;
using Etl.Entities;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Entities.ListPrices;
using Etl.Erp;
using Etl.Outbound.Extract;
using Etl.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Etl.Tests.Outbound.Extract;

/// <summary>SqlSource against a temp SQLite ERP (the embedded provider).</summary>
public sealed class SqlSourceTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 30, 2, 0, 1, 750, TimeSpan.Zero);
    private TempFolder _temp = null!;
    private ErpDatabase _erp = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _erp = new ErpDatabase(new ErpSettings { Provider = "sqlite", ConnectionString = $"Data Source={_temp.Combine("erp.db")};Pooling=False" }, _temp.Path);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _erp.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private Task<SqlSource> ExtractAsync(EntitySchema schema, string query) =>
        SqlSource.ExtractAsync(schema, _erp, query, Started, CancellationToken.None);

    private static List<string> Texts(EntitySchema schema, IRowSource source) =>
        [.. source.Records(schema, CancellationToken.None).Select(r => string.Join("|", r.Texts.Select(t => t ?? "<null>")))];

    private static List<string> Canonical(EntitySchema schema, IRowSource source) =>
        [.. source.ReadRows(schema).Select(row => string.Join("|", row.Values.Select(FieldConverter.Canonical)) + (row.IsInvalid ? " INVALID" : ""))];

    [Test]
    public async Task ExtractAsync_ColumnsByNameIgnoringCaseAndOrder_MappedToSchemaOrder()
    {
        await ExecuteAsync("""
            CREATE TABLE stock(Warehouse TEXT, SKU TEXT, OnHand INTEGER, Allocated INTEGER);
            INSERT INTO stock VALUES ('MAIN', 'A-1', 7, 2), ('EAST', 'B-2', 3, 3);
            """);

        var source = await ExtractAsync(InventoryEntity.Schema,
            "SELECT Allocated AS QTY_ALLOCATED, SKU, OnHand - Allocated AS Qty_Available, Warehouse, OnHand AS qty_on_hand, 'x' AS extra FROM stock ORDER BY SKU");

        Assert.That(Texts(InventoryEntity.Schema, source), Is.EqualTo(new[] { "A-1|MAIN|5|7|2", "B-2|EAST|0|3|3" }));
        Assert.That(source.Records(InventoryEntity.Schema, CancellationToken.None).Select(r => r.Line), Is.EqualTo(new long[] { 1, 2 }));
    }

    [Test]
    public async Task ExtractAsync_SqliteNumbersIntegersAndFlags_ConvertedByValue()
    {
        await ExecuteAsync("""
            INSERT INTO items(sku, description, uom, product_class, weight_kg, active) VALUES
              ('A-1', 'Bolt', 'EA', 'HW', 0.25, 1),
              ('A-2', 'Nut', 'EA', 'HW', '12.50', 0),
              ('A-3', '  Washer  ', 'EA', 'HW', 7, 1),
              ('A-4', 'Sum', 'EA', 'HW', 0.1 + 0.2, 1);
            """);

        var source = await ExtractAsync(ItemsEntity.Schema, "SELECT * FROM items ORDER BY sku");

        Assert.That(Canonical(ItemsEntity.Schema, source), Is.EqualTo(new[]
        {
            "A-1|Bolt|EA|HW|0.25|true",
            "A-2|Nut|EA|HW|12.5|false",
            "A-3|  Washer  |EA|HW|7|true",
            "A-4|Sum|EA|HW|0.3|true",
        }));
    }

    [Test]
    public async Task ExtractAsync_DatesAndNulls_Converted()
    {
        await ExecuteAsync("""
            CREATE TABLE prices(sku TEXT, price_list TEXT, currency TEXT, list_price REAL, uom TEXT, effective TEXT);
            INSERT INTO prices VALUES ('A-1', 'RETAIL', 'EUR', 9.99, 'EA', '2026-11-01'), ('A-2', 'RETAIL', 'EUR', 5, NULL, NULL);
            """);

        var source = await ExtractAsync(ListPricesEntity.Schema,
            "SELECT sku, price_list, currency, list_price, uom, date(effective) AS effective_date FROM prices ORDER BY sku");

        Assert.That(Texts(ListPricesEntity.Schema, source), Is.EqualTo(new[] { "A-1|RETAIL|EUR|9.99|EA|2026-11-01", "A-2|RETAIL|EUR|5|<null>|<null>" }));
        var rows = source.ReadRows(ListPricesEntity.Schema);
        Assert.That(rows[0].Values[5], Is.EqualTo(new DateOnly(2026, 11, 1)));
        Assert.That(rows[1].Values[4], Is.Null);
        Assert.That(rows[1].Values[5], Is.Null);
    }

    [Test]
    public async Task ExtractAsync_MissingColumn_DropFileExceptionNamingTheColumn()
    {
        await ExecuteAsync("INSERT INTO items(sku, description, uom, product_class, weight_kg, active) VALUES ('A-1', 'Bolt', 'EA', 'HW', 1, 1);");

        var e = Assert.ThrowsAsync<DropFileException>(() => ExtractAsync(ItemsEntity.Schema, "SELECT sku, description, uom, weight_kg, active FROM items"));

        Assert.That(e!.Column, Is.EqualTo("product_class"));
        Assert.That(e.Message, Does.Contain("product_class").And.Contain("sql query of items"));
    }

    [Test]
    public async Task ExtractAsync_RepeatedColumn_DropFileExceptionNamingTheColumn()
    {
        await ExecuteAsync("INSERT INTO items(sku, description, uom, product_class, weight_kg, active) VALUES ('A-1', 'Bolt', 'EA', 'HW', 1, 1);");

        var e = Assert.ThrowsAsync<DropFileException>(() => ExtractAsync(ItemsEntity.Schema, "SELECT sku, description, uom, product_class, weight_kg, active, uom AS UOM FROM items"));

        Assert.That(e!.Column, Is.EqualTo("uom"));
    }

    [Test]
    public async Task ExtractAsync_AsOf_IsTheQueryStartTruncatedToTheSecond()
    {
        var source = await ExtractAsync(ItemsEntity.Schema, "SELECT * FROM items");

        Assert.That(source.AsOf, Is.EqualTo(new DateTimeOffset(2026, 11, 30, 2, 0, 1, TimeSpan.Zero)));
        Assert.That(Texts(ItemsEntity.Schema, source), Is.Empty);
    }

    [Test]
    public async Task Read_Twice_SameRecordsAndChangesToOneReadDoNotLeak()
    {
        await ExecuteAsync("INSERT INTO items(sku, description, uom, product_class, weight_kg, active) VALUES (' A-1 ', 'Bolt', 'EA', 'HW', 1, 1);");
        var source = await ExtractAsync(ItemsEntity.Schema, "SELECT * FROM items");

        var first = source.Records(ItemsEntity.Schema, CancellationToken.None).Single();
        first.Texts[0] = "changed";
        var second = source.Records(ItemsEntity.Schema, CancellationToken.None).Single();

        // Records gives cleaned texts: the code is trimmed.
        Assert.That(second.Texts[0], Is.EqualTo("A-1"));
        var firstRows = Canonical(ItemsEntity.Schema, source);
        Assert.That(Canonical(ItemsEntity.Schema, source), Is.EqualTo(firstRows).And.Count.EqualTo(1));
    }

    [Test]
    public async Task Name_DescribesTheEmbeddedErpWithoutTheConnectionString()
    {
        var source = await ExtractAsync(ItemsEntity.Schema, "SELECT * FROM items");

        Assert.That(source.Name, Does.Contain("items").And.Contain("erp.db").And.Not.Contain("Pooling"));
    }

    [Test]
    public void ExtractAsync_BadQuery_DbException()
    {
        Assert.That(async () => await ExtractAsync(ItemsEntity.Schema, "SELECT * FROM no_such_table"), Throws.InstanceOf<SqliteException>());
    }
}
