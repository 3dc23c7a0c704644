using Etl.Entities.OrderStatus;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.OrderStatus;

public sealed class OrderStatusValidatorTests
{
    // erp_order_no, portal_order_id, status, ship_date, carrier, tracking_no
    [TestCase("SO-1", "PO-1", "IN_PROGRESS", "", "", "", ExpectedResult = "")]
    [TestCase("SO-1", "", "IN_PROGRESS", "", "", "", ExpectedResult = "")]
    [TestCase("SO-1", "PO-1", "SHIPPED", "2026-11-29", "UPS", "1Z999", ExpectedResult = "")]
    [TestCase("SO-1", "PO-1", " SHIPPED ", "2026-11-29", "", "", ExpectedResult = "")]
    [TestCase("SO-1", "PO-1", "INVOICED", "", "", "", ExpectedResult = "")]
    [TestCase("SO-1", "PO-1", "CLOSED", "2026-11-29", "", "", ExpectedResult = "")]
    [TestCase("SO-1", "PO-1", "SHIPPED", "", "UPS", "1Z999", ExpectedResult = "ship_date:ship_date_required")]
    [TestCase("SO-1", "PO-1", "CANCELLED", "", "", "", ExpectedResult = "status:status")]
    [TestCase("SO-1", "PO-1", "shipped", "", "", "", ExpectedResult = "status:status")]
    [TestCase("SO-1", "PO-1", "", "", "", "", ExpectedResult = "status:required")]
    [TestCase("", "PO-1", "CLOSED", "", "", "", ExpectedResult = "erp_order_no:required")]
    [TestCase("SO-1", "PO-1", "SHIPPED", "2026/11/29", "", "", ExpectedResult = "ship_date:conversion, ship_date:ship_date_required")]
    [TestCase("SO-1", "PO-1", "CLOSED", "", "", "{t41}", ExpectedResult = "tracking_no:max_length")]
    public string Validate_OrderStatus(string order, string portalOrder, string status, string shipDate, string carrier, string tracking) =>
        Rows.Problems(OrderStatusEntity.Schema, order, portalOrder, status, shipDate, carrier, tracking);
}
