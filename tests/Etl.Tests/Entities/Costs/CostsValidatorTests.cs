using Etl.Entities.Costs;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.Costs;

public sealed class CostsValidatorTests
{
    // sku, currency, unit_cost
    [TestCase("A-1", "USD", "3.1", ExpectedResult = "")]
    [TestCase("A-1", "USD", "0", ExpectedResult = "")]
    [TestCase("A-1", "USD", "0.0000", ExpectedResult = "")]
    [TestCase("A-1", "USD", "-0.01", ExpectedResult = "unit_cost:not_negative")]
    [TestCase("A-1", "USD", "3.00001", ExpectedResult = "unit_cost:decimals")]
    [TestCase("A-1", "usd", "3.1", ExpectedResult = "currency:currency")]
    [TestCase("A-1", "US$", "3.1", ExpectedResult = "currency:currency")]
    [TestCase("A-1", "USD", "", ExpectedResult = "unit_cost:required")]
    [TestCase("", "USD", "3.1", ExpectedResult = "sku:required")]
    [TestCase("A-1", "USD", "3.1e2", ExpectedResult = "unit_cost:conversion")]
    public string Validate_Costs(string sku, string currency, string cost) =>
        Rows.Problems(CostsEntity.Schema, sku, currency, cost);
}
