using Etl.Entities.ListPrices;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.ListPrices;

public sealed class ListPricesValidatorTests
{
    // sku, price_list, currency, list_price, uom, effective_date
    [TestCase("A-1", "RETAIL", "EUR", "12.50", "EA", "2026-11-01", ExpectedResult = "")]
    [TestCase("A-1", "RETAIL", " EUR ", "0.0001", "EA", "2026-11-01", ExpectedResult = "")]
    [TestCase("A-1", "RETAIL", "EUR", "12.1234", "EA", "2026-11-01", ExpectedResult = "")]
    [TestCase("A-1", "RETAIL", "EUR", "12.12340", "EA", "2026-11-01", ExpectedResult = "")]
    [TestCase("A-1", "RETAIL", "EUR", "12.12345", "EA", "2026-11-01", ExpectedResult = "list_price:decimals")]
    [TestCase("A-1", "RETAIL", "EUR", "0", "EA", "2026-11-01", ExpectedResult = "list_price:positive")]
    [TestCase("A-1", "RETAIL", "EUR", "-1", "EA", "2026-11-01", ExpectedResult = "list_price:positive")]
    [TestCase("A-1", "RETAIL", "EUR", "1.234,50", "EA", "2026-11-01", ExpectedResult = "list_price:conversion")]
    [TestCase("A-1", "RETAIL", "eur", "12.5", "EA", "2026-11-01", ExpectedResult = "currency:currency")]
    [TestCase("A-1", "RETAIL", "EU", "12.5", "EA", "2026-11-01", ExpectedResult = "currency:currency")]
    [TestCase("A-1", "RETAIL", "EURO", "12.5", "EA", "2026-11-01", ExpectedResult = "currency:currency")]
    [TestCase("A-1", "RETAIL", "E1R", "12.5", "EA", "2026-11-01", ExpectedResult = "currency:currency")]
    [TestCase("A-1", "RETAIL", "", "12.5", "EA", "2026-11-01", ExpectedResult = "currency:required")]
    [TestCase("A-1", "", "EUR", "12.5", "EA", "2026-11-01", ExpectedResult = "price_list:required")]
    [TestCase("A-1", "RETAIL", "EUR", "", "EA", "2026-11-01", ExpectedResult = "list_price:required")]
    [TestCase("A-1", "RETAIL", "EUR", "12.5", "", "2026-11-01", ExpectedResult = "uom:required")]
    [TestCase("A-1", "RETAIL", "EUR", "12.5", "EA", "", ExpectedResult = "effective_date:required")]
    [TestCase("A-1", "RETAIL", "EUR", "12.5", "EA", "01.11.2026", ExpectedResult = "effective_date:conversion")]
    [TestCase("A-1", "{P41}", "EUR", "12.5", "EA", "2026-11-01", ExpectedResult = "price_list:max_length")]
    [TestCase("A-1", "RETAIL", "EUR", "12.5", "{U41}", "2026-11-01", ExpectedResult = "uom:max_length")]
    public string Validate_ListPrices(string sku, string priceList, string currency, string price, string uom, string effective) =>
        Rows.Problems(ListPricesEntity.Schema, sku, priceList, currency, price, uom, effective);
}
