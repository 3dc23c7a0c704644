using Etl.Entities.Inventory;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.Inventory;

public sealed class InventoryValidatorTests
{
    // sku, warehouse, qty_available, qty_on_hand, qty_allocated
    [TestCase("A-1", "MAIN", "5", "7", "2", ExpectedResult = "")]
    [TestCase("A-1", "MAIN", "0", "0", "0", ExpectedResult = "")]
    [TestCase("A-1", "MAIN", "0", "3", "3", ExpectedResult = "")]
    [TestCase("A-1", "MAIN", "6", "7", "2", ExpectedResult = "qty_available:qty_balance")]
    [TestCase("A-1", "MAIN", "9", "7", "2", ExpectedResult = "qty_available:qty_balance")]
    [TestCase("A-1", "MAIN", "-2", "0", "2", ExpectedResult = "qty_available:not_negative")]
    [TestCase("A-1", "MAIN", "2", "-1", "-3", ExpectedResult = "qty_allocated:not_negative, qty_on_hand:not_negative")]
    [TestCase("A-1", "MAIN", "1.5", "3", "1.5", ExpectedResult = "qty_allocated:conversion, qty_available:conversion")]
    [TestCase("A-1", "MAIN", "5.0", "7.00", "2", ExpectedResult = "")]
    [TestCase("A-1", "MAIN", "1,000", "1000", "0", ExpectedResult = "qty_available:conversion")]
    [TestCase("", "MAIN", "5", "7", "2", ExpectedResult = "sku:required")]
    [TestCase("A-1", "  ", "5", "7", "2", ExpectedResult = "warehouse:required")]
    [TestCase("A-1", "MAIN", "", "7", "2", ExpectedResult = "qty_available:required")]
    [TestCase("A-1", "MAIN", "5", "", "2", ExpectedResult = "qty_on_hand:required")]
    [TestCase("A-1", "MAIN", "5", "7", "", ExpectedResult = "qty_allocated:required")]
    [TestCase("{S40}", "MAIN", "5", "7", "2", ExpectedResult = "")]
    [TestCase("{S41}", "MAIN", "5", "7", "2", ExpectedResult = "sku:max_length")]
    [TestCase("A-1", "{W41}", "5", "7", "2", ExpectedResult = "warehouse:max_length")]
    public string Validate_Inventory(string sku, string warehouse, string available, string onHand, string allocated) =>
        Rows.Problems(InventoryEntity.Schema, sku, warehouse, available, onHand, allocated);
}
