using Etl.Entities;

namespace Etl.Tests.Entities;

public sealed class EntityKeyTests
{
    [Test]
    public void Of_SeveralKeyFields_JoinedWithTheUnitSeparatorAndDisplayedWithBars()
    {
        var key = EntityKey.Of(["C-1", "x", "A-1", "EUR"], [0, 2, 3]);

        Assert.That(key, Is.EqualTo("C-1\u001FA-1\u001FEUR"));
        Assert.That(EntityKey.Display(key), Is.EqualTo("C-1|A-1|EUR"));
        Assert.That(EntityKey.Parts(key), Is.EqualTo(new[] { "C-1", "A-1", "EUR" }));
    }

    [Test]
    public void Of_SingleKeyField_IsTheValue()
    {
        Assert.That(EntityKey.Of(["A-1", "Bolt"], [0]), Is.EqualTo("A-1"));
    }

    [Test]
    public void Of_EmptyKeyFields_DoNotShiftTheOthers()
    {
        Assert.That(EntityKey.Parts(EntityKey.Of([null, "MAIN"], [0, 1])), Is.EqualTo(new[] { "", "MAIN" }));
        Assert.That(EntityKey.Of(["A|B", "C"], [0, 1]), Is.Not.EqualTo(EntityKey.Of(["A", "B|C"], [0, 1])));
    }
}
