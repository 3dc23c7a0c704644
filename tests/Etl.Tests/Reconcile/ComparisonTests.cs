using System.Text.Json.Nodes;
using Etl.Entities;
using Etl.Entities.Discounts;
using Etl.Entities.ListPrices;
using Etl.Reconcile;
using Etl.State;

namespace Etl.Tests.Reconcile;

/// <summary>The pure side of a reconcile: portal values made canonical, and the key-by-key comparison.</summary>
public sealed class ComparisonTests
{
    private static readonly EntitySchema Prices = ListPricesEntity.Schema;
    private const char Sep = EntityKey.Separator;

    private static FieldSpec Field(EntitySchema schema, string name) => schema.Fields[schema.IndexOf(name)];

    [TestCase("12.50", "12.5")]
    [TestCase("12.5000", "12.5")]
    [TestCase("12", "12")]
    [TestCase("\"12.50\"", "12.5")]
    [TestCase("null", "")]
    [TestCase("\"not a number\"", "not a number")]
    public void Canonical_PortalNumbers_ComparedByValue(string json, string expected) =>
        Assert.That(PortalRecords.Canonical(Field(Prices, "list_price"), JsonNode.Parse(json)), Is.EqualTo(expected));

    [Test]
    public void Canonical_WholeNumberWrittenWithDecimals_IsTheInteger() =>
        Assert.That(PortalRecords.Canonical(Field(Etl.Entities.Inventory.InventoryEntity.Schema, "qty_available"), JsonNode.Parse("7.0")), Is.EqualTo("7"));

    [Test]
    public void Canonical_AbsentDateAndDateText_NullIsEmpty()
    {
        var validTo = Field(DiscountsEntity.Schema, "valid_to");
        Assert.That(PortalRecords.Canonical(validTo, null), Is.Empty);
        Assert.That(PortalRecords.Canonical(validTo, JsonNode.Parse("\"2026-12-31\"")), Is.EqualTo("2026-12-31"));
    }

    [Test]
    public void Compare_EachKindOfDrift_FoundByKeyAndField()
    {
        var erp = Rows(("A", "12.50", "EA"), ("B", "3", "M"), ("C", "7", "EA"));
        var portal = new Dictionary<string, string[]>
        {
            [Key("A")] = Portal("A", "12.5", "EA"),       // in step: 12.50 is 12.5
            [Key("B")] = Portal("B", "3.004", "M"),       // within the tolerance
            [Key("X")] = Portal("X", "1", "EA"),          // extra
            [Key("I")] = Portal("I", "9", "EA"),          // the ERP's row is invalid: left alone
        };
        var baseline = new Dictionary<string, string>
        {
            [Key("A")] = string.Join(Sep, Portal("A", "12.5", "EA")),
            [Key("B")] = StateStore.UnknownValues,
        };
        var result = new ReconcileResult("list_prices");

        var drift = Comparison.Compare(Prices, erp, key => key == Key("I"), 1, portal, baseline,
            new Dictionary<string, decimal> { ["list_price"] = 0.005m }, result);

        Assert.That(result.InStep, Is.EqualTo(2));
        Assert.That(result.Missing, Is.EqualTo(new[] { "C|TRADE|EUR" }));
        Assert.That(result.Extra, Is.EqualTo(new[] { "X|TRADE|EUR" }));
        Assert.That(result.Different, Is.Empty);
        Assert.That(result.BaselineStale, Is.EqualTo(new[] { "B|TRADE|EUR", "I|TRADE|EUR", "X|TRADE|EUR" }));
        Assert.That(drift.BaselineStale[Key("X")], Is.EqualTo(string.Join(Sep, Portal("X", "1", "EA"))), "a repair sets the baseline to what the portal holds");
    }

    [Test]
    public void Compare_FieldsDiffer_EachListedWithBothValues()
    {
        var erp = Rows(("A", "12.5", "EA"));
        var portal = new Dictionary<string, string[]> { [Key("A")] = Portal("A", "", "M") };
        var result = new ReconcileResult("list_prices");

        Comparison.Compare(Prices, erp, _ => false, 0, portal, new Dictionary<string, string>(), new Dictionary<string, decimal>(), result);

        Assert.That(result.Different.Single().Fields, Is.EqualTo(new[]
        {
            new FieldDifference("list_price", "12.5", null),
            new FieldDifference("uom", "EA", "M"),
        }));
    }

    private static string Key(string sku) => string.Join(Sep, sku, "TRADE", "EUR");

    private static string[] Portal(string sku, string price, string uom) => [sku, "TRADE", "EUR", price, uom, "2026-11-01"];

    private static Dictionary<string, Row> Rows(params (string Sku, string Price, string Uom)[] rows) =>
        rows.Select((r, i) => RowFactory.Create(Prices, i + 2, [r.Sku, "TRADE", "EUR", r.Price, r.Uom, "2026-11-01"])).ToDictionary(r => r.Key);
}
