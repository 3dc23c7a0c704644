using Etl.Configuration;
using Etl.Entities;
using Etl.Entities.ListPrices;
using Etl.Erp;
using Etl.Outbound.Extract;
using Etl.Tests.Support;

namespace Etl.Tests.Outbound.Extract;

/// <summary>SqlSource against a real SQL Server; runs only when ETL_TEST_SQLSERVER holds a connection string.</summary>
[Category("SqlServer")]
public sealed class SqlServerSourceTests
{
    private ErpDatabase _erp = null!;

    [SetUp]
    public void SetUp()
    {
        var connectionString = Environment.GetEnvironmentVariable("ETL_TEST_SQLSERVER");
        if (string.IsNullOrWhiteSpace(connectionString)) Assert.Ignore("ETL_TEST_SQLSERVER not set");
        _erp = new ErpDatabase(new ErpSettings { Provider = "sqlserver", ConnectionString = connectionString }, Path.GetTempPath());
    }

    [Test]
    public async Task ExtractAsync_SqlServerTypes_ConvertedByValue()
    {
        const string query = """
            SELECT CAST('A-1' AS nvarchar(40)) AS SKU, CAST('RETAIL' AS char(10)) AS Price_List, 'EUR' AS currency,
                   CAST(12.5 AS decimal(18,4)) AS list_price, 'EA' AS uom, CAST('2026-11-01' AS date) AS effective_date
            UNION ALL
            SELECT 'A-2', 'RETAIL', 'EUR', CAST(3 AS decimal(18,4)), NULL, CAST('2026-11-02T00:00:00' AS datetime2)
            """;

        var source = await SqlSource.ExtractAsync(ListPricesEntity.Schema, _erp, query, DateTimeOffset.UtcNow, CancellationToken.None);

        var rows = source.ReadRows(ListPricesEntity.Schema);
        Assert.That(rows.Select(r => string.Join("|", r.Values.Select(FieldConverter.Canonical))), Is.EquivalentTo(new[]
        {
            "A-1|RETAIL|EUR|12.5|EA|2026-11-01",
            "A-2|RETAIL|EUR|3||2026-11-02",
        }));
        Assert.That(rows.Select(r => r.IsInvalid), Is.All.False);
    }

    [Test]
    public void ExtractAsync_MissingColumn_DropFileExceptionNamingTheColumn()
    {
        var e = Assert.ThrowsAsync<DropFileException>(() =>
            SqlSource.ExtractAsync(ListPricesEntity.Schema, _erp, "SELECT 'A-1' AS sku, 'RETAIL' AS price_list, 'EUR' AS currency, 1.5 AS list_price, 'EA' AS uom", DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.That(e!.Column, Is.EqualTo("effective_date"));
    }

    [Test]
    public async Task Name_DescribesTheDatabaseWithoutCredentials()
    {
        var source = await SqlSource.ExtractAsync(ListPricesEntity.Schema, _erp,
            "SELECT 'A-1' AS sku, 'RETAIL' AS price_list, 'EUR' AS currency, 1.5 AS list_price, 'EA' AS uom, CAST('2026-11-01' AS date) AS effective_date",
            DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.That(source.Name, Does.Contain("SQL Server").And.Not.Contain("Password").And.Not.Contain("password"));
    }
}
