using Etl.Outbound.Extract;
using Etl.Tests.Support;

namespace Etl.Tests.Outbound.Extract;

public sealed class DropFolderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private TempFolder _temp = null!;
    private DropFolder _drops = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _drops = new DropFolder(_temp.Path, "inventory");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Drop(string name, TimeSpan age, string text = "sku,warehouse,qty_available,qty_on_hand,qty_allocated\n")
    {
        var path = _temp.Write(Path.Combine("drop", "erp", "inventory", name), text);
        File.SetLastWriteTimeUtc(path, (Now - age).UtcDateTime);
        return path;
    }

    private string InDrop(string relative) => _temp.Combine("drop", "erp", "inventory", relative);

    [Test]
    public void Path_IsDropErpEntity()
    {
        Assert.That(_drops.Path, Is.EqualTo(_temp.Combine("drop", "erp", "inventory")));
    }

    [Test]
    public void Select_NoFolder_NothingToTake()
    {
        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.Null);
        Assert.That(selection.Superseded, Is.Empty);
        Assert.That(selection.Waiting, Is.Zero);
    }

    [Test]
    public void Select_SettledCsv_Taken()
    {
        var path = Drop("inventory_1.csv", TimeSpan.FromMinutes(1));

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.EqualTo(path));
        Assert.That(selection.Waiting, Is.Zero);
    }

    [TestCase(".inventory_1.csv")]
    [TestCase("inventory_1.csv.tmp")]
    [TestCase("inventory_1.csv.part")]
    [TestCase("inventory_1.tmp")]
    [TestCase("inventory_1.part")]
    public void Select_DotTmpAndPartFiles_NeverPickedUp(string name)
    {
        Drop(name, TimeSpan.FromHours(1));
        File.WriteAllText(InDrop(name) + ".done", "");

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.Null);
        Assert.That(selection.Waiting, Is.Zero);
    }

    [Test]
    public void Select_IgnoredFilesBesideARealDrop_OnlyTheDropTaken()
    {
        var real = Drop("inventory_1.csv", TimeSpan.FromMinutes(5));
        Drop(".inventory_2.csv", TimeSpan.FromMinutes(1));
        Drop("inventory_3.csv.tmp", TimeSpan.FromMinutes(1));
        Drop("inventory_4.csv.part", TimeSpan.FromMinutes(1));

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.EqualTo(real));
        Assert.That(selection.Superseded, Is.Empty);
    }

    [Test]
    public void Select_UpperCaseCsvExtension_Taken()
    {
        var path = Drop("INVENTORY_1.CSV", TimeSpan.FromMinutes(1));

        Assert.That(_drops.Select(Now, Settle).Newest, Is.EqualTo(path));
    }

    [Test]
    public void Select_FileYoungerThanSettleTime_WaitsAndIsCounted()
    {
        Drop("inventory_1.csv", TimeSpan.FromSeconds(1));

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.Null);
        Assert.That(selection.Waiting, Is.EqualTo(1));
    }

    [Test]
    public void Select_FileJustOlderThanSettleTime_Taken()
    {
        var path = Drop("inventory_1.csv", TimeSpan.FromSeconds(2.5));

        Assert.That(_drops.Select(Now, Settle).Newest, Is.EqualTo(path));
    }

    [Test]
    public void Select_YoungFileWithDoneMarker_TakenAtOnce()
    {
        var path = Drop("inventory_1.csv", TimeSpan.Zero);
        File.WriteAllText(path + ".done", "");

        var selection = _drops.Select(Now, TimeSpan.FromHours(1));

        Assert.That(selection.Newest, Is.EqualTo(path));
        Assert.That(selection.Waiting, Is.Zero);
    }

    [Test]
    public void Select_MarkerOfAnotherFile_DoesNotReleaseThisOne()
    {
        Drop("inventory_1.csv", TimeSpan.Zero);
        File.WriteAllText(InDrop("inventory_2.csv.done"), "");

        var selection = _drops.Select(Now, TimeSpan.FromHours(1));

        Assert.That(selection.Newest, Is.Null);
        Assert.That(selection.Waiting, Is.EqualTo(1));
    }

    [Test]
    public void Select_SeveralReady_NewestLastWriteWinsOthersSuperseded()
    {
        var older = Drop("inventory_b.csv", TimeSpan.FromHours(3));
        var newest = Drop("inventory_a.csv", TimeSpan.FromHours(1));
        var middle = Drop("inventory_c.csv", TimeSpan.FromHours(2));

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.EqualTo(newest));
        Assert.That(selection.Superseded, Is.EquivalentTo(new[] { older, middle }));
    }

    [Test]
    public void Select_SameLastWrite_LaterNameWins()
    {
        var first = Drop("inventory_20261130_1.csv", TimeSpan.FromHours(1));
        var second = Drop("inventory_20261130_2.csv", TimeSpan.FromHours(1));

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.EqualTo(second));
        Assert.That(selection.Superseded, Is.EqualTo(new[] { first }));
    }

    [Test]
    public void Select_NewestStillSettling_OlderReadyTakenNewestWaits()
    {
        var ready = Drop("inventory_1.csv", TimeSpan.FromHours(1));
        Drop("inventory_2.csv", TimeSpan.Zero);

        var selection = _drops.Select(Now, Settle);

        Assert.That(selection.Newest, Is.EqualTo(ready));
        Assert.That(selection.Superseded, Is.Empty);
        Assert.That(selection.Waiting, Is.EqualTo(1));
    }

    [Test]
    public void Select_FilesInProcessedAndFailed_NotPickedUp()
    {
        Drop(Path.Combine("processed", "run-1", "inventory_1.csv"), TimeSpan.FromHours(1));
        Drop(Path.Combine("failed", "inventory_2.csv"), TimeSpan.FromHours(1));

        Assert.That(_drops.Select(Now, Settle).Newest, Is.Null);
    }

    [Test]
    public void MoveToProcessed_MovesFileAndMarkerIntoTheRunFolder()
    {
        var path = Drop("inventory_1.csv", TimeSpan.FromHours(1), "content-1");
        File.WriteAllText(path + ".done", "");

        _drops.MoveToProcessed(path, "20261130T020000Z-abc123");

        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[]
        {
            "processed/20261130T020000Z-abc123/inventory_1.csv",
            "processed/20261130T020000Z-abc123/inventory_1.csv.done",
        }));
        Assert.That(File.ReadAllText(InDrop("processed/20261130T020000Z-abc123/inventory_1.csv")), Is.EqualTo("content-1"));
    }

    [Test]
    public void MoveToProcessed_SupersededAndNewestOfOneRun_AllInTheRunFolder()
    {
        var a = Drop("inventory_1.csv", TimeSpan.FromHours(2));
        var b = Drop("inventory_2.csv", TimeSpan.FromHours(1));

        _drops.MoveToProcessed(a, "run-1");
        _drops.MoveToProcessed(b, "run-1");

        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[]
        {
            "processed/run-1/inventory_1.csv",
            "processed/run-1/inventory_2.csv",
        }));
    }

    [Test]
    public void MoveToFailed_MovesFileAndMarkerAndWritesTheReasonBeside()
    {
        var path = Drop("inventory_1.csv", TimeSpan.FromHours(1), "bad content");
        File.WriteAllText(path + ".done", "");

        var target = _drops.MoveToFailed(path, "inventory_1.csv, line 3, column qty_available: bad");

        Assert.That(target, Is.EqualTo(InDrop("failed/inventory_1.csv")));
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory")), Is.EqualTo(new[]
        {
            "failed/inventory_1.csv",
            "failed/inventory_1.csv.done",
            "failed/inventory_1.csv.error.txt",
        }));
        Assert.That(File.ReadAllText(target + ".error.txt"), Does.StartWith("inventory_1.csv, line 3, column qty_available: bad"));
        Assert.That(File.ReadAllText(target), Is.EqualTo("bad content"));
    }

    [Test]
    public void MoveToFailed_SameNameFailedBefore_EarlierFileAndReasonKept()
    {
        var first = Drop("inventory.csv", TimeSpan.FromHours(2), "first");
        var firstTarget = _drops.MoveToFailed(first, "first reason");
        var second = Drop("inventory.csv", TimeSpan.FromHours(1), "second");

        var secondTarget = _drops.MoveToFailed(second, "second reason");

        Assert.That(secondTarget, Is.Not.EqualTo(firstTarget));
        Assert.That(File.ReadAllText(firstTarget), Is.EqualTo("first"));
        Assert.That(File.ReadAllText(firstTarget + ".error.txt"), Does.StartWith("first reason"));
        Assert.That(File.ReadAllText(secondTarget), Is.EqualTo("second"));
        Assert.That(File.ReadAllText(secondTarget + ".error.txt"), Does.StartWith("second reason"));
        Assert.That(Path.GetFileName(secondTarget), Does.EndWith(".csv"));
        Assert.That(_temp.Files(Path.Combine("drop", "erp", "inventory", "failed")), Has.Count.EqualTo(4));
    }

    [Test]
    public void MoveToProcessed_SameNameTwiceInOneRunFolder_NothingOverwritten()
    {
        var first = Drop("inventory.csv", TimeSpan.FromHours(2), "first");
        _drops.MoveToProcessed(first, "run-1");
        var second = Drop("inventory.csv", TimeSpan.FromHours(1), "second");

        _drops.MoveToProcessed(second, "run-1");

        var texts = _temp.Files(Path.Combine("drop", "erp", "inventory", "processed", "run-1"))
            .Select(f => File.ReadAllText(InDrop(Path.Combine("processed", "run-1", f))));
        Assert.That(texts, Is.EquivalentTo(new[] { "first", "second" }));
    }
}
