using Etl.Entities;

namespace Etl.Tests.Entities;

public sealed class FieldConverterTests
{
    /// <summary>Cleans and converts like a drop does; "type:canonical", "null" when empty, "error" when it does not convert.</summary>
    private static string Convert(FieldKind kind, string? text)
    {
        var field = new FieldSpec("f", kind);
        var cleaned = FieldConverter.Clean(field, text);
        if (!FieldConverter.TryConvert(field, cleaned, out var value, out var expected))
        {
            Assert.That(expected, Is.Not.Empty, "a failed conversion says what was expected");
            return "error";
        }
        return value is null ? "null" : $"{value.GetType().Name}:{FieldConverter.Canonical(value)}";
    }

    [TestCase("12.50", ExpectedResult = "Decimal:12.5")]
    [TestCase("12.5", ExpectedResult = "Decimal:12.5")]
    [TestCase("12.5000", ExpectedResult = "Decimal:12.5")]
    [TestCase("100", ExpectedResult = "Decimal:100")]
    [TestCase("100.00", ExpectedResult = "Decimal:100")]
    [TestCase("0.0001", ExpectedResult = "Decimal:0.0001")]
    [TestCase("0", ExpectedResult = "Decimal:0")]
    [TestCase("-3.25", ExpectedResult = "Decimal:-3.25")]
    [TestCase("  7.10  ", ExpectedResult = "Decimal:7.1")]
    [TestCase("99999999999999.9999", ExpectedResult = "Decimal:99999999999999.9999")]
    [TestCase("-99999999999999.9999", ExpectedResult = "Decimal:-99999999999999.9999")]
    [TestCase("100000000000000", ExpectedResult = "error")]
    [TestCase("-100000000000000", ExpectedResult = "error")]
    [TestCase("1,000", ExpectedResult = "error")]
    [TestCase("1,5", ExpectedResult = "error")]
    [TestCase("1 000", ExpectedResult = "error")]
    [TestCase("1e3", ExpectedResult = "error")]
    [TestCase("1E-2", ExpectedResult = "error")]
    [TestCase("$5", ExpectedResult = "error")]
    [TestCase("twelve", ExpectedResult = "error")]
    [TestCase("(5)", ExpectedResult = "error")]
    [TestCase("", ExpectedResult = "null")]
    [TestCase("   ", ExpectedResult = "null")]
    [TestCase(null, ExpectedResult = "null")]
    public string Convert_Number_ByValueInvariantNoSeparatorsOrExponents(string? text) => Convert(FieldKind.Number, text);

    [TestCase("12", ExpectedResult = "Int64:12")]
    [TestCase(" 12 ", ExpectedResult = "Int64:12")]
    [TestCase("0", ExpectedResult = "Int64:0")]
    [TestCase("-4", ExpectedResult = "Int64:-4")]
    [TestCase("12.0", ExpectedResult = "Int64:12")]
    [TestCase("12.5", ExpectedResult = "error")]
    [TestCase("0.001", ExpectedResult = "error")]
    [TestCase("1,200", ExpectedResult = "error")]
    [TestCase("1e2", ExpectedResult = "error")]
    [TestCase("+4", ExpectedResult = "Int64:4")]
    [TestCase("-0", ExpectedResult = "Int64:0")]
    [TestCase("007", ExpectedResult = "Int64:7")]
    [TestCase("999999999999999999", ExpectedResult = "Int64:999999999999999999")]
    [TestCase("-999999999999999999", ExpectedResult = "Int64:-999999999999999999")]
    [TestCase("1000000000000000000", ExpectedResult = "Int64:1000000000000000000")]
    [TestCase("-9223372036854775808", ExpectedResult = "Int64:-9223372036854775808")]
    [TestCase("-9223372036854775809", ExpectedResult = "error")]
    [TestCase("-", ExpectedResult = "error")]
    [TestCase("+", ExpectedResult = "error")]
    [TestCase("--4", ExpectedResult = "error")]
    [TestCase("4-", ExpectedResult = "error")]
    [TestCase("1 2", ExpectedResult = "error")]
    [TestCase("\u0661\u0662", ExpectedResult = "error")]
    [TestCase("9223372036854775807", ExpectedResult = "Int64:9223372036854775807")]
    [TestCase("9223372036854775808", ExpectedResult = "error")]
    [TestCase("abc", ExpectedResult = "error")]
    [TestCase("", ExpectedResult = "null")]
    public string Convert_Integer_WholeNumbersOnly(string? text) => Convert(FieldKind.Integer, text);

    [TestCase("2026-11-30", ExpectedResult = "DateOnly:2026-11-30")]
    [TestCase(" 2026-01-05 ", ExpectedResult = "DateOnly:2026-01-05")]
    [TestCase("2024-02-29", ExpectedResult = "DateOnly:2024-02-29")]
    [TestCase("2026-02-29", ExpectedResult = "error")]
    [TestCase("2026-1-5", ExpectedResult = "error")]
    [TestCase("30.11.2026", ExpectedResult = "error")]
    [TestCase("11/30/2026", ExpectedResult = "error")]
    [TestCase("2026/11/30", ExpectedResult = "error")]
    [TestCase("20261130", ExpectedResult = "error")]
    [TestCase("2026-11-30T00:00:00", ExpectedResult = "error")]
    [TestCase("2026-11-30 00:00", ExpectedResult = "error")]
    [TestCase("", ExpectedResult = "null")]
    public string Convert_Date_OnlyYyyyMmDd(string? text) => Convert(FieldKind.Date, text);

    [TestCase("true", ExpectedResult = "Boolean:true")]
    [TestCase("TRUE", ExpectedResult = "Boolean:true")]
    [TestCase("True", ExpectedResult = "Boolean:true")]
    [TestCase("1", ExpectedResult = "Boolean:true")]
    [TestCase("Y", ExpectedResult = "Boolean:true")]
    [TestCase("y", ExpectedResult = "Boolean:true")]
    [TestCase(" Y ", ExpectedResult = "Boolean:true")]
    [TestCase("false", ExpectedResult = "Boolean:false")]
    [TestCase("FaLsE", ExpectedResult = "Boolean:false")]
    [TestCase("0", ExpectedResult = "Boolean:false")]
    [TestCase("N", ExpectedResult = "Boolean:false")]
    [TestCase("n", ExpectedResult = "Boolean:false")]
    [TestCase("yes", ExpectedResult = "error")]
    [TestCase("no", ExpectedResult = "error")]
    [TestCase("T", ExpectedResult = "error")]
    [TestCase("2", ExpectedResult = "error")]
    [TestCase("", ExpectedResult = "null")]
    public string Convert_Flag_TrueFalseOneZeroYNInAnyCase(string? text) => Convert(FieldKind.Flag, text);

    [TestCase("A-1", ExpectedResult = "String:A-1")]
    [TestCase("  A-1  ", ExpectedResult = "String:A-1")]
    [TestCase("\tMAIN ", ExpectedResult = "String:MAIN")]
    [TestCase("a-1", ExpectedResult = "String:a-1")]
    [TestCase("  ", ExpectedResult = "null")]
    [TestCase("", ExpectedResult = "null")]
    public string Convert_Code_Trimmed(string? text) => Convert(FieldKind.Code, text);

    [TestCase("Bolt", ExpectedResult = "String:Bolt")]
    [TestCase("  Bolt, 5\" long  ", ExpectedResult = "String:  Bolt, 5\" long  ")]
    [TestCase(" two\nlines ", ExpectedResult = "String: two\nlines ")]
    [TestCase("   ", ExpectedResult = "null")]
    [TestCase("", ExpectedResult = "null")]
    public string Convert_FreeText_KeptAsWritten(string? text) => Convert(FieldKind.Text, text);

    [Test]
    public void Canonical_SameNumberSpelledDifferently_IsEqual()
    {
        var field = new FieldSpec("price", FieldKind.Number);
        FieldConverter.TryConvert(field, "12.50", out var a, out _);
        FieldConverter.TryConvert(field, "12.5", out var b, out _);
        FieldConverter.TryConvert(field, "012.500", out var c, out _);

        Assert.That(FieldConverter.Canonical(a), Is.EqualTo(FieldConverter.Canonical(b)).And.EqualTo(FieldConverter.Canonical(c)).And.EqualTo("12.5"));
    }

    [Test]
    public void Canonical_DifferentNumbers_Differ()
    {
        Assert.That(FieldConverter.Canonical(12.5m), Is.Not.EqualTo(FieldConverter.Canonical(12.51m)));
        Assert.That(FieldConverter.Canonical(1m), Is.Not.EqualTo(FieldConverter.Canonical(10m)));
    }

    [Test]
    public void Normalize_TrailingZeros_RemovedWithoutChangingTheValue()
    {
        var normalized = FieldConverter.Normalize(12.5000m);

        Assert.That(normalized, Is.EqualTo(12.5m));
        Assert.That(normalized.Scale, Is.EqualTo(1));
        Assert.That(FieldConverter.Normalize(100.00m).Scale, Is.Zero);
        Assert.That(FieldConverter.Normalize(100.00m).ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("100"));
    }

    [Test]
    public void Canonical_EveryValueType_WrittenInvariantly()
    {
        Assert.That(FieldConverter.Canonical(null), Is.EqualTo(""));
        Assert.That(FieldConverter.Canonical("A-1"), Is.EqualTo("A-1"));
        Assert.That(FieldConverter.Canonical(42L), Is.EqualTo("42"));
        Assert.That(FieldConverter.Canonical(new DateOnly(2026, 1, 5)), Is.EqualTo("2026-01-05"));
        Assert.That(FieldConverter.Canonical(true), Is.EqualTo("true"));
        Assert.That(FieldConverter.Canonical(false), Is.EqualTo("false"));
    }

    [Test]
    public void TryConvert_BadNumber_ExpectationNamesTheFormat()
    {
        var ok = FieldConverter.TryConvert(new FieldSpec("list_price", FieldKind.Number), "1,000", out var value, out var expected);

        Assert.That(ok, Is.False);
        Assert.That(value, Is.Null);
        Assert.That(expected, Does.Contain("'.'").And.Contain("thousands"));
    }
}
