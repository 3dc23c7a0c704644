namespace Etl.Erp;

/// <summary>
/// The SQL the order import sends, per provider: the same statements over the contract's tables, under schema
/// portal on SQL Server. Values are always bound as parameters; lists are sent in chunks below SQL Server's
/// 2,100-parameter limit.
/// </summary>
public sealed class ErpSql(bool sqlServer)
{
    /// <summary>The most values one IN list binds.</summary>
    public const int ChunkSize = 500;

    private string T(string table) => sqlServer ? "portal." + table : table;

    /// <summary>An IN list of parameters @p0..@pN-1.</summary>
    public static string InList(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "@p" + i));

    /// <summary>Customers by portal account.</summary>
    public string CustomersByAccount(int count) =>
        $"SELECT customer_no, portal_account_id, approved FROM {T("customers")} WHERE portal_account_id IN ({InList(count)})";

    /// <summary>Which SKUs exist.</summary>
    public string ExistingItems(int count) => $"SELECT sku FROM {T("items")} WHERE sku IN ({InList(count)})";

    /// <summary>Orders by portal order id.</summary>
    public string OrdersByPortalId(int count) =>
        $"SELECT erp_order_no, customer_no, customer_po, portal_order_id, status FROM {T("sales_orders")} WHERE portal_order_id IN ({InList(count)})";

    /// <summary>Orders by ERP number.</summary>
    public string OrdersByNumber(int count) =>
        $"SELECT erp_order_no, customer_no, customer_po, portal_order_id, status FROM {T("sales_orders")} WHERE erp_order_no IN ({InList(count)})";

    /// <summary>Orders without a portal reference, by customer PO.</summary>
    public string UnlinkedOrdersByPo(int count) =>
        $"SELECT erp_order_no, customer_no, customer_po, portal_order_id, status FROM {T("sales_orders")} WHERE portal_order_id IS NULL AND customer_po IN ({InList(count)})";

    /// <summary>The lines of orders.</summary>
    public string LinesOf(int count) =>
        $"SELECT erp_order_no, line_no, sku, qty, unit_price FROM {T("sales_order_lines")} WHERE erp_order_no IN ({InList(count)}) ORDER BY erp_order_no, line_no";

    /// <summary>Writes the reference into an order that has none.</summary>
    public string Link => $"UPDATE {T("sales_orders")} SET portal_order_id = @portal WHERE erp_order_no = @number AND portal_order_id IS NULL";

    /// <summary>The orders already carrying these portal order ids, if any (checked again inside the write transaction).</summary>
    public string ReferencesOf(int count) =>
        $"SELECT erp_order_no, portal_order_id FROM {T("sales_orders")} WHERE portal_order_id IN ({InList(count)})";

    /// <summary>The highest number with the integration's prefix.</summary>
    public string HighestNumber => sqlServer
        ? $"SELECT MAX(erp_order_no) FROM {T("sales_orders")} WITH (UPDLOCK, HOLDLOCK) WHERE LEFT(erp_order_no, LEN(@prefix)) = @prefix AND LEN(erp_order_no) = LEN(@prefix) + 6"
        : $"SELECT MAX(erp_order_no) FROM {T("sales_orders")} WHERE substr(erp_order_no, 1, length(@prefix)) = @prefix AND length(erp_order_no) = length(@prefix) + 6";

    /// <summary>Inserts an order header.</summary>
    public string InsertOrder =>
        $"INSERT INTO {T("sales_orders")} (erp_order_no, customer_no, customer_po, portal_order_id, status, currency, order_date, total, source) " +
        "VALUES (@number, @customer, @po, @portal, 'OPEN', @currency, @date, @total, 'portal')";

    /// <summary>Inserts an order line.</summary>
    public string InsertLine =>
        $"INSERT INTO {T("sales_order_lines")} (erp_order_no, line_no, sku, qty, unit_price) VALUES (@number, @line, @sku, @qty, @price)";
}
