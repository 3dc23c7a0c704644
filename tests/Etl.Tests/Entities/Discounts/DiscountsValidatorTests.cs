using Etl.Entities.Discounts;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.Discounts;

public sealed class DiscountsValidatorTests
{
    // discount_group, product_class, discount_pct, valid_from, valid_to
    [TestCase("G1", "HW", "12.5", "2026-01-01", "2026-12-31", ExpectedResult = "")]
    [TestCase("G1", "HW", "12.5", "2026-01-01", "", ExpectedResult = "")]
    [TestCase("G1", "HW", "12.5", "2026-01-01", "2026-01-01", ExpectedResult = "")]
    [TestCase("G1", "HW", "0", "2026-01-01", "", ExpectedResult = "")]
    [TestCase("G1", "HW", "100", "2026-01-01", "", ExpectedResult = "")]
    [TestCase("G1", "HW", "100.0001", "2026-01-01", "", ExpectedResult = "discount_pct:percentage")]
    [TestCase("G1", "HW", "-0.5", "2026-01-01", "", ExpectedResult = "discount_pct:percentage")]
    [TestCase("G1", "HW", "12.34567", "2026-01-01", "", ExpectedResult = "discount_pct:decimals")]
    [TestCase("G1", "HW", "12.5", "2026-01-01", "2025-12-31", ExpectedResult = "valid_to:period")]
    [TestCase("G1", "HW", "12.5", "", "2026-12-31", ExpectedResult = "valid_from:required")]
    [TestCase("G1", "HW", "12.5", "2026-01-01", "31.12.2026", ExpectedResult = "valid_to:conversion")]
    [TestCase("G1", "", "12.5", "2026-01-01", "", ExpectedResult = "product_class:required")]
    [TestCase("", "HW", "12.5", "2026-01-01", "", ExpectedResult = "discount_group:required")]
    [TestCase("G1", "HW", "", "2026-01-01", "", ExpectedResult = "discount_pct:required")]
    public string Validate_Discounts(string group, string productClass, string pct, string from, string to) =>
        Rows.Problems(DiscountsEntity.Schema, group, productClass, pct, from, to);
}
