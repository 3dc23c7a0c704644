using Etl.Erp;

namespace Etl.Tests.Erp;

/// <summary>The SQL the order import sends, pinned: a change here is a change to what the ERP team reviewed.</summary>
[TestFixture]
public sealed class ErpSqlTests
{
    [Test]
    public void SqlServer_Lookups_UseThePortalSchemaAndBoundParameters()
    {
        var sql = new ErpSql(sqlServer: true);

        Assert.That(sql.CustomersByAccount(3), Is.EqualTo("SELECT customer_no, portal_account_id, approved FROM portal.customers WHERE portal_account_id IN (@p0, @p1, @p2)"));
        Assert.That(sql.UnlinkedOrdersByPo(2), Is.EqualTo("SELECT erp_order_no, customer_no, customer_po, portal_order_id, status FROM portal.sales_orders WHERE portal_order_id IS NULL AND customer_po IN (@p0, @p1)"));
        Assert.That(sql.LinesOf(1), Is.EqualTo("SELECT erp_order_no, line_no, sku, qty, unit_price FROM portal.sales_order_lines WHERE erp_order_no IN (@p0) ORDER BY erp_order_no, line_no"));
    }

    [Test]
    public void SqlServer_Writes_AreGuardedAndLockTheNumberRange()
    {
        var sql = new ErpSql(sqlServer: true);

        Assert.That(sql.Link, Is.EqualTo("UPDATE portal.sales_orders SET portal_order_id = @portal WHERE erp_order_no = @number AND portal_order_id IS NULL"));
        Assert.That(sql.HighestNumber, Does.Contain("WITH (UPDLOCK, HOLDLOCK)").And.Contain("LEFT(erp_order_no, LEN(@prefix)) = @prefix"));
        Assert.That(sql.InsertOrder, Does.StartWith("INSERT INTO portal.sales_orders").And.Contain("'OPEN'").And.Contain("'portal'"));
    }

    [Test]
    public void Sqlite_Statements_UseThePlainTables()
    {
        var sql = new ErpSql(sqlServer: false);

        Assert.That(sql.ExistingItems(1), Is.EqualTo("SELECT sku FROM items WHERE sku IN (@p0)"));
        Assert.That(sql.HighestNumber, Does.Contain("substr(erp_order_no, 1, length(@prefix)) = @prefix"));
    }

    [Test]
    public void ChunkSize_StaysBelowTheSqlServerParameterLimit()
    {
        Assert.That(ErpSql.ChunkSize, Is.LessThan(2100));
    }
}
