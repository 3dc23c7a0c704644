using Etl.Entities;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Tests.Support;

namespace Etl.Tests.Entities;

public sealed class RowFactoryTests
{
    [Test]
    public void Create_PaddedKeys_TrimmedIntoTheKey()
    {
        var row = Rows.Create(InventoryEntity.Schema, " A-1 ", "MAIN  ", "5", "7", "2");

        Assert.That(row.Key, Is.EqualTo("A-1" + EntityKey.Separator + "MAIN"));
        Assert.That(EntityKey.Display(row.Key), Is.EqualTo("A-1|MAIN"));
        Assert.That(row.Raw[0], Is.EqualTo("A-1"));
        Assert.That(row.IsInvalid, Is.False);
    }

    [Test]
    public void Create_KeysDifferingInCase_AreDifferentKeys()
    {
        var a = Rows.Create(InventoryEntity.Schema, "a-1", "MAIN", "5", "7", "2");
        var b = Rows.Create(InventoryEntity.Schema, "A-1", "MAIN", "5", "7", "2");

        Assert.That(a.Key, Is.Not.EqualTo(b.Key));
    }

    [Test]
    public void Create_FieldThatDoesNotConvert_ProblemNamesFieldValueAndExpectation()
    {
        var row = Rows.Create(InventoryEntity.Schema, "A-1", "MAIN", "5.5", "7", "2");

        Assert.That(row.IsInvalid, Is.True);
        Assert.That(row.Problems, Has.Count.EqualTo(1));
        var problem = row.Problems![0];
        Assert.That(problem.Field, Is.EqualTo("qty_available"));
        Assert.That(problem.Value, Is.EqualTo("5.5"));
        Assert.That(problem.Rule, Is.EqualTo("conversion"));
        Assert.That(problem.Message, Does.Contain("'5.5'").And.Contain("whole number"));
        Assert.That(row.Values[2], Is.Null);
        Assert.That(row.Values[3], Is.EqualTo(7L));
    }

    [Test]
    public void Create_TypedValues_InSchemaOrder()
    {
        var row = Rows.Create(ItemsEntity.Schema, "A-1", " Bolt ", "EA", "HW", "0.250", "y");

        Assert.That(row.Values, Is.EqualTo(new object?[] { "A-1", " Bolt ", "EA", "HW", 0.25m, true }));
        Assert.That(row.Line, Is.EqualTo(2));
    }

    [Test]
    public void PortalValues_NonPortalFieldsLeftOut_NumbersCanonical()
    {
        var a = Rows.Create(InventoryEntity.Schema, "A-1", "MAIN", "5", "7", "2");
        var b = Rows.Create(InventoryEntity.Schema, "A-1", "MAIN", "5.0", "9", "4");

        Assert.That(RowFactory.PortalValues(InventoryEntity.Schema, a), Is.EqualTo(RowFactory.PortalValues(InventoryEntity.Schema, b)));
        Assert.That(EntityKey.Parts(RowFactory.PortalValues(InventoryEntity.Schema, a)), Is.EqualTo(new[] { "A-1", "MAIN", "5" }));
    }

    [Test]
    public void Create_LongBadValue_ShortenedInTheMessage()
    {
        var row = Rows.Create(InventoryEntity.Schema, "A-1", "MAIN", "{x100}", "7", "2");

        Assert.That(row.Problems![0].Message, Does.Contain("...").And.Not.Contain(new string('x', 100)));
        Assert.That(row.Problems![0].Value, Is.EqualTo(new string('x', 100)));
    }
}
