using Etl.Tests.Support;

namespace Etl.Tests.IO;

public sealed class AtomicFileTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void TempPathFor_HiddenTmpInTheSameFolder()
    {
        var path = _temp.Combine("reports", "summary.json");

        var temp = AtomicFile.TempPathFor(path);

        Assert.That(Path.GetDirectoryName(temp), Is.EqualTo(Path.GetDirectoryName(path)));
        Assert.That(Path.GetFileName(temp), Does.StartWith(".summary.json.").And.EndWith(".tmp"));
        Assert.That(AtomicFile.TempPathFor(path), Is.Not.EqualTo(temp));
    }

    [Test]
    public void WriteAllText_NewFolder_CreatesTheFileWithoutBomOrLeftovers()
    {
        var path = _temp.Combine("a", "b", "x.txt");

        AtomicFile.WriteAllText(path, "héllo\n");

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new System.Text.UTF8Encoding(false).GetBytes("héllo\n")));
        Assert.That(_temp.Files(), Is.EqualTo(new[] { "a/b/x.txt" }));
    }

    [Test]
    public void WriteAllText_ExistingFile_Replaced()
    {
        var path = _temp.Write("x.txt", "old content that is longer");

        AtomicFile.WriteAllText(path, "new");

        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
    }

    [Test]
    public void Write_WriterThrows_OldFileKeptAndNoTempLeft()
    {
        var path = _temp.Write("x.txt", "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial"u8);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(_temp.Files(), Is.EqualTo(new[] { "x.txt" }));
    }
}
