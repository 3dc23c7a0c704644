using System.Text;
using System.Text.Json;
using Etl.Entities;
using Etl.Entities.FixedPrices;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Outbound.Outbox;
using Etl.Tests.Support;

namespace Etl.Tests.Outbound.Outbox;

public sealed class PayloadWriterTests
{
    private const string RunId = "20261130T020000Z-0a1b2c";
    private static readonly DateTimeOffset AsOf = new(2026, 11, 30, 1, 59, 58, TimeSpan.Zero);

    private static string Write(EntitySchema schema, params ChangeRecord[] records)
    {
        using var stream = new MemoryStream();
        PayloadWriter.Write(stream, schema, RunId, 3, AsOf, records);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ChangeRecord Upsert(EntitySchema schema, params string?[] texts)
    {
        var row = Rows.Create(schema, texts);
        return new ChangeRecord(row.Key, row, RowFactory.PortalValues(schema, row));
    }

    [Test]
    public void BatchId_IsEntityRunIdAndFourDigitSequence()
    {
        Assert.That(PayloadWriter.BatchId("inventory", RunId, 7), Is.EqualTo("inventory-20261130T020000Z-0a1b2c-0007"));
    }

    [Test]
    public void Write_Envelope_BatchIdEntityRunIdAndAsOfInUtcToTheSecond()
    {
        using var stream = new MemoryStream();
        PayloadWriter.Write(stream, InventoryEntity.Schema, RunId, 12, new DateTimeOffset(2026, 11, 29, 20, 59, 58, 999, TimeSpan.FromHours(-5)), []);
        using var json = JsonDocument.Parse(stream.ToArray());

        var root = json.RootElement;
        Assert.That(root.GetProperty("batch_id").GetString(), Is.EqualTo("inventory-" + RunId + "-0012"));
        Assert.That(root.GetProperty("entity").GetString(), Is.EqualTo("inventory"));
        Assert.That(root.GetProperty("run_id").GetString(), Is.EqualTo(RunId));
        Assert.That(root.GetProperty("as_of").GetString(), Is.EqualTo("2026-11-30T01:59:58Z"));
        Assert.That(root.GetProperty("records").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void Write_Upsert_PortalFieldsOnlyUnderTheirColumnNames()
    {
        var text = Write(InventoryEntity.Schema, Upsert(InventoryEntity.Schema, "A-1", "MAIN", "5", "7", "2"));
        using var json = JsonDocument.Parse(text);

        var record = json.RootElement.GetProperty("records")[0];
        Assert.That(record.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "op", "sku", "warehouse", "qty_available" }));
        Assert.That(record.GetProperty("op").GetString(), Is.EqualTo("upsert"));
        Assert.That(record.GetProperty("qty_available").ValueKind, Is.EqualTo(JsonValueKind.Number));
        Assert.That(record.GetProperty("qty_available").GetInt64(), Is.EqualTo(5));
    }

    [Test]
    public void Write_Delete_KeyFieldsOnly()
    {
        var key = string.Join(EntityKey.Separator, "C-1", "A-1", "EUR");

        var text = Write(FixedPricesEntity.Schema, new ChangeRecord(key, null, null));
        using var json = JsonDocument.Parse(text);

        var record = json.RootElement.GetProperty("records")[0];
        Assert.That(record.EnumerateObject().Select(p => $"{p.Name}={p.Value}"), Is.EqualTo(new[] { "op=delete", "customer_no=C-1", "sku=A-1", "currency=EUR" }));
    }

    [TestCase("12.50", "12.5")]
    [TestCase("12.5000", "12.5")]
    [TestCase("100.00", "100")]
    [TestCase("0.0001", "0.0001")]
    [TestCase("0", "0")]
    [TestCase("007.10", "7.1")]
    public void Write_Number_ExactWithoutTrailingZeros(string text, string written)
    {
        var json = Write(ItemsEntity.Schema, Upsert(ItemsEntity.Schema, "A-1", "Bolt", "EA", "HW", text, "Y"));

        Assert.That(json, Does.Contain($"\"weight_kg\": {written},"));
    }

    [Test]
    public void Write_DatesBooleansAndEmptyValues_AsTheContractSays()
    {
        var fixedPrice = Write(FixedPricesEntity.Schema, Upsert(FixedPricesEntity.Schema, "C-1", "A-1", "EUR", "9.99", "2026-01-05", ""));
        var item = Write(ItemsEntity.Schema, Upsert(ItemsEntity.Schema, "A-1", "Bolt", "EA", "HW", "1", "n"));

        Assert.That(fixedPrice, Does.Contain("\"valid_from\": \"2026-01-05\"").And.Contain("\"valid_to\": null"));
        Assert.That(item, Does.Contain("\"active\": false"));
    }

    [Test]
    public void Write_TextNeedingEscapes_IsValidJsonWithTheTextUnchanged()
    {
        const string description = "  12\" pipe, \\ \"bent\"\nsecond line </script> ";

        var text = Write(ItemsEntity.Schema, Upsert(ItemsEntity.Schema, "A-1", description, "EA", "HW", "1", "Y"));
        using var json = JsonDocument.Parse(text);

        Assert.That(json.RootElement.GetProperty("records")[0].GetProperty("description").GetString(), Is.EqualTo(description));
    }
}
