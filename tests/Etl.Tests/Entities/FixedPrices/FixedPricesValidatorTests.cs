using Etl.Entities.FixedPrices;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.FixedPrices;

public sealed class FixedPricesValidatorTests
{
    // customer_no, sku, currency, fixed_price, valid_from, valid_to
    [TestCase("C-1", "A-1", "EUR", "9.99", "2026-01-01", "2026-06-30", ExpectedResult = "")]
    [TestCase("C-1", "A-1", "EUR", "9.99", "2026-01-01", "", ExpectedResult = "")]
    [TestCase("C-1", "A-1", "EUR", "9.99", "2026-01-01", "2026-01-01", ExpectedResult = "")]
    [TestCase("C-1", "A-1", "EUR", "9.99", "2026-01-02", "2026-01-01", ExpectedResult = "valid_to:period")]
    [TestCase("C-1", "A-1", "EUR", "0", "2026-01-01", "", ExpectedResult = "fixed_price:positive")]
    [TestCase("C-1", "A-1", "EUR", "-9.99", "2026-01-01", "", ExpectedResult = "fixed_price:positive")]
    [TestCase("C-1", "A-1", "EUR", "9.99999", "2026-01-01", "", ExpectedResult = "fixed_price:decimals")]
    [TestCase("C-1", "A-1", "Eur", "9.99", "2026-01-01", "", ExpectedResult = "currency:currency")]
    [TestCase("", "A-1", "EUR", "9.99", "2026-01-01", "", ExpectedResult = "customer_no:required")]
    [TestCase("C-1", "A-1", "EUR", "9.99", "", "", ExpectedResult = "valid_from:required")]
    [TestCase("C-1", "A-1", "EUR", "", "2026-01-01", "", ExpectedResult = "fixed_price:required")]
    [TestCase("{C41}", "A-1", "EUR", "9.99", "2026-01-01", "", ExpectedResult = "customer_no:max_length")]
    public string Validate_FixedPrices(string customer, string sku, string currency, string price, string from, string to) =>
        Rows.Problems(FixedPricesEntity.Schema, customer, sku, currency, price, from, to);
}
