using Etl.Runs;

namespace Etl.Tests.Runs;

public sealed class ExitCodesTests
{
    [TestCase(new int[0], ExpectedResult = 0)]
    [TestCase(new[] { 0, 0 }, ExpectedResult = 0)]
    [TestCase(new[] { 0, 3 }, ExpectedResult = 3)]
    [TestCase(new[] { 3, 1 }, ExpectedResult = 1)]
    [TestCase(new[] { 3, 1, 2 }, ExpectedResult = 2)]
    [TestCase(new[] { 2, 4, 3 }, ExpectedResult = 4)]
    public int Combine_SeveralCodes_FirstOf4213Wins(int[] codes) => ExitCodes.Combine(codes);

    [Test]
    public void NewRunId_TimestampAndSixHexDigitsWithoutUnderscore()
    {
        var started = new DateTimeOffset(2026, 11, 29, 21, 0, 5, 999, TimeSpan.FromHours(-5));

        var ids = Enumerable.Range(0, 50).Select(_ => RunEngine.NewRunId(started)).ToList();

        Assert.That(ids, Is.All.Matches(@"^20261130T020005Z-[0-9a-f]{6}$"));
        Assert.That(ids.Distinct().Count(), Is.GreaterThan(45), "the suffix is random");
    }
}
