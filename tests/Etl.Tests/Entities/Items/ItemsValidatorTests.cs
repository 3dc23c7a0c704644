using Etl.Entities.Items;
using Etl.Tests.Support;

namespace Etl.Tests.Entities.Items;

public sealed class ItemsValidatorTests
{
    // sku, description, uom, product_class, weight_kg, active
    [TestCase("A-1", "Bolt", "EA", "HW", "0.25", "Y", ExpectedResult = "")]
    [TestCase("A-1", "Bolt", "EA", "HW", "0", "false", ExpectedResult = "")]
    [TestCase("A-1", "{d200}", "EA", "HW", "0.25", "Y", ExpectedResult = "")]
    [TestCase("A-1", "{d201}", "EA", "HW", "0.25", "Y", ExpectedResult = "description:max_length")]
    [TestCase("A-1", "{ 201}", "EA", "HW", "0.25", "Y", ExpectedResult = "description:required")]
    [TestCase("A-1", "", "EA", "HW", "0.25", "Y", ExpectedResult = "description:required")]
    [TestCase("A-1", "Bolt", "EA", "HW", "-0.25", "Y", ExpectedResult = "weight_kg:not_negative")]
    [TestCase("A-1", "Bolt", "EA", "HW", "0.00001", "Y", ExpectedResult = "weight_kg:decimals")]
    [TestCase("A-1", "Bolt", "EA", "HW", "", "Y", ExpectedResult = "weight_kg:required")]
    [TestCase("A-1", "Bolt", "EA", "HW", "0.25", "", ExpectedResult = "active:required")]
    [TestCase("A-1", "Bolt", "EA", "HW", "0.25", "yes", ExpectedResult = "active:conversion")]
    [TestCase("A-1", "Bolt", "", "HW", "0.25", "Y", ExpectedResult = "uom:required")]
    [TestCase("A-1", "Bolt", "EA", "", "0.25", "Y", ExpectedResult = "product_class:required")]
    [TestCase("A-1", "Bolt", "EA", "{h41}", "0.25", "Y", ExpectedResult = "product_class:max_length")]
    public string Validate_Items(string sku, string description, string uom, string productClass, string weight, string active) =>
        Rows.Problems(ItemsEntity.Schema, sku, description, uom, productClass, weight, active);

    [Test]
    public void Validate_DescriptionOf200WithSurroundingBlanks_CountsTheBlanks()
    {
        var text = " " + new string('d', 199) + " ";

        Assert.That(Rows.Problems(ItemsEntity.Schema, "A-1", text, "EA", "HW", "1", "Y"), Is.EqualTo("description:max_length"));
    }
}
