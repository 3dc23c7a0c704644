using System.Text;
using Etl.Entities;
using Etl.Entities.Customers;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Outbound.Columns;

namespace Etl.Tests.Outbound.Columns;

/// <summary>
/// The chunk must read, convert and compare exactly as <see cref="RowFactory"/> did record by record: same cleaned
/// texts, values, problems (and messages), key and canonical portal values, whether fed text or UTF-8 bytes.
/// </summary>
public sealed class RowChunkTests
{
    private const int Seed = 20261130;
    private static readonly EntitySchema Items = ItemsEntity.Schema;

    public static IEnumerable<string> Schemas => EntityCatalog.All.Select(e => e.Name);

    private static EntitySchema Schema(string entity) => EntityCatalog.Find(entity)!;

    /// <summary>Texts as an ERP might write each kind: canonical, padded, unusual, empty and wrong.</summary>
    private static readonly Dictionary<FieldKind, string?[]> Samples = new()
    {
        [FieldKind.Code] = ["A-1", " B-2 ", "c-3", "ä-4", "日本", "EUR", "usd", "", "   ", null, "\t X \t", new string('k', 41), "a\"b", "x,y"],
        [FieldKind.Text] = ["Bolt", "  Bolt, 5\" long ", "Mutter für M8 – 10 €", "emoji \U0001F529", "", "   ", null, "two\nlines", "\t", new string('t', 201), "trailing "],
        [FieldKind.Integer] = ["12", "-3", "+4", "12.000", " 7 ", "0", "-0", "007", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "1e3", "1,000", "x", "", null, "12.5", " ", new string('9', 70)],
        [FieldKind.Number] = ["12.50", "12.5", "0.2500", "-1", "-0.0", "100.00", "100", "99999999999999.9999", "-99999999999999.9999",
            "100000000000000", "1e3", ".5", "5.", "+3.10", " 2.0 ", "0.00001", "12345678901234567", "", null, "abc", "1,5", "0.1", "-12.3400"],
        [FieldKind.Date] = ["2026-11-30", " 2026-01-01 ", "2026-02-30", "30.11.2026", "2026-1-1", "0001-01-01", "9999-12-31", "", null, "2026-11-30T00:00:00"],
        [FieldKind.Flag] = ["Y", "n", "true", "FALSE", "True", "1", "0", " y ", "yes", "T", "", null, "2"],
    };

    private static string?[] RandomTexts(EntitySchema schema, Random rng) =>
        [.. schema.Fields.Select(f => Samples[f.Kind][rng.Next(Samples[f.Kind].Length)])];

    private static List<string?[]> RandomRecords(EntitySchema schema, int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => RandomTexts(schema, rng))];
    }

    private static RowChunk FromText(EntitySchema schema, IReadOnlyList<string?[]> records)
    {
        var chunk = new RowChunk(schema);
        for (var i = 0; i < records.Count; i++) chunk.Add(i + 2, records[i]);
        return chunk;
    }

    private static RowChunk FromUtf8(EntitySchema schema, IReadOnlyList<string?[]> records)
    {
        var chunk = new RowChunk(schema);
        for (var i = 0; i < records.Count; i++)
        {
            chunk.BeginRow(i + 2);
            for (var f = 0; f < schema.Fields.Count; f++) chunk.SetUtf8(f, Encoding.UTF8.GetBytes(records[i][f] ?? ""));
            chunk.EndRow();
        }
        return chunk;
    }

    private static Row Reference(EntitySchema schema, int line, string?[] texts) => RowFactory.Create(schema, line, (string?[])texts.Clone());

    private static string Show(string?[] texts) => string.Join(" | ", texts.Select(t => t is null ? "<null>" : $"'{t}'"));

    /// <summary>Everything a chunk row says, as text, to compare two chunks or a chunk and a Row.</summary>
    private static string Describe(RowChunk chunk, int row)
    {
        var schema = chunk.Schema;
        var parts = new List<string> { $"line {chunk.Lines[row]}", "key " + chunk.Key(row) };
        for (var f = 0; f < schema.Fields.Count; f++)
        {
            var value = !chunk.HasValue(row, f) ? "-" : schema.Fields[f].Kind switch
            {
                FieldKind.Integer => chunk.Integer(row, f).ToString(System.Globalization.CultureInfo.InvariantCulture),
                FieldKind.Number => chunk.Number(row, f).ToString(System.Globalization.CultureInfo.InvariantCulture),
                FieldKind.Date => chunk.Date(row, f).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                FieldKind.Flag => chunk.Flag(row, f) ? "true" : "false",
                _ => "text",
            };
            parts.Add($"{schema.Fields[f].Name}: {(chunk.IsNull(row, f) ? "<null>" : "'" + chunk.Text(row, f).ToString() + "'")} {value} {chunk.Text(row, f).ToString()}");
        }
        parts.AddRange((chunk.Problems(row) ?? []).Select(p => p.ToString()));
        return string.Join("\n", parts);
    }

    // ---- texts ----

    [TestCaseSource(nameof(Schemas))]
    public void SetUtf8AndSetText_VariedInputs_SameCleanedTextsValuesAndProblems(string entity)
    {
        var schema = Schema(entity);
        var records = RandomRecords(schema, 3000, Seed);

        var text = FromText(schema, records);
        var utf8 = FromUtf8(schema, records);

        Assert.That(utf8.Count, Is.EqualTo(text.Count));
        for (var row = 0; row < text.Count; row++)
        {
            Assert.That(Describe(utf8, row), Is.EqualTo(Describe(text, row)), Show(records[row]));
        }
    }

    [Test]
    public void SetText_CodesTrimmedFreeTextAsWrittenBlankValuesNull()
    {
        var chunk = FromText(Items, [[" A-1 ", "  Bolt  ", "\tEA\t", "   ", " 1.50 ", " y "]]);

        Assert.That(chunk.Text(0, 0).ToString(), Is.EqualTo("A-1"));
        Assert.That(chunk.Text(0, 1).ToString(), Is.EqualTo("  Bolt  "));
        Assert.That(chunk.Text(0, 2).ToString(), Is.EqualTo("EA"));
        Assert.That(chunk.IsNull(0, 3), Is.True, "a code of blanks is empty");
        Assert.That(chunk.Text(0, 4).ToString(), Is.EqualTo("1.50"));
        Assert.That(chunk.Number(0, 4), Is.EqualTo(1.5m));
        Assert.That(chunk.Flag(0, 5), Is.True);
        Assert.That(chunk.ToRow(0).Raw, Is.EqualTo(new[] { "A-1", "  Bolt  ", "EA", null, "1.50", "y" }));
    }

    [TestCase("", TestName = "SetText_EmptyFreeText_Null")]
    [TestCase("   ", TestName = "SetText_FreeTextOfBlanks_Null")]
    [TestCase(" \t\n ", TestName = "SetText_FreeTextOfWhiteSpace_Null")]
    public void SetText_FreeTextWithoutVisibleCharacters_Null(string text)
    {
        var chunk = FromText(Items, [["A-1", text, "EA", "HW", "1", "Y"]]);

        Assert.That(chunk.IsNull(0, 1), Is.True);
        Assert.That(chunk.Text(0, 1).IsEmpty, Is.True);
        Assert.That(chunk.ToRow(0).Raw[1], Is.Null);
    }

    [Test]
    public void SetUtf8_ByteOrderMarkWhereTheValueStarts_NotData()
    {
        var chunk = new RowChunk(Items);
        byte[] bom = [0xEF, 0xBB, 0xBF];
        chunk.BeginRow(2);
        chunk.SetUtf8(0, [.. bom, .. "A-1"u8]);
        chunk.SetUtf8(1, [.. bom, .. " Bolt"u8]);
        chunk.SetUtf8(2, [.. bom, .. " EA "u8]);
        chunk.SetUtf8(3, bom);
        chunk.SetUtf8(4, [.. bom, .. "1.5"u8]);
        chunk.SetUtf8(5, [.. "Y"u8]);
        chunk.EndRow();

        Assert.That(chunk.ToRow(0).Raw, Is.EqualTo(new[] { "A-1", " Bolt", "EA", null, "1.5", "Y" }));
        Assert.That(chunk.Problems(0), Is.Null);
        Assert.That(chunk.Number(0, 4), Is.EqualTo(1.5m));
    }

    [Test]
    public void SetUtf8_ByteOrderMarkInsideTheValue_KeptAsData()
    {
        var chunk = new RowChunk(Items);
        chunk.BeginRow(2);
        chunk.SetUtf8(0, "A-1"u8);
        chunk.SetUtf8(1, [.. "Bo"u8, 0xEF, 0xBB, 0xBF, .. "lt"u8]);
        chunk.SetUtf8(2, "EA"u8);
        chunk.SetUtf8(3, "HW"u8);
        chunk.SetUtf8(4, "1"u8);
        chunk.SetUtf8(5, "Y"u8);
        chunk.EndRow();

        Assert.That(chunk.Text(0, 1).ToString(), Is.EqualTo("Bo\uFEFFlt"));
    }

    [Test]
    public void Add_LongTextsBeyondTheInitialBuffer_EveryTextIntact()
    {
        var records = Enumerable.Range(0, RowChunk.Capacity)
            .Select(i => new string?[] { $"S{i:D6}", new string((char)('a' + (i % 26)), 50 + i % 100) + i, "EA", "HW", "1", "Y" }).ToList();

        var chunk = FromText(Items, records);

        Assert.That(chunk.IsFull, Is.True);
        var wrong = Enumerable.Range(0, chunk.Count)
            .Where(i => chunk.Text(i, 0).ToString() != records[i][0] || chunk.Text(i, 1).ToString() != records[i][1])
            .Take(5);
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Add_BeyondCapacity_Throws()
    {
        var chunk = FromText(Items, [.. Enumerable.Range(0, RowChunk.Capacity).Select(i => new string?[] { $"S{i}", "d", "EA", "HW", "1", "Y" })]);

        Assert.That(chunk.IsFull, Is.True);
        Assert.Throws<InvalidOperationException>(() => chunk.Add(1, ["X", "d", "EA", "HW", "1", "Y"]));
    }

    [Test]
    public void Clear_ThenReused_NothingLeftOfTheEarlierRows()
    {
        var chunk = FromText(Items, [["A-1", "Bolt", "EA", "HW", "x", "maybe"], ["A-2", "Nut", "EA", "HW", "2", "N"]]);
        chunk.AddProblem(1, new RowProblem("sku", "A-2", "duplicate_key", "repeated"));
        chunk.Valid[0] = chunk.Valid[1] = true;

        chunk.Clear();
        chunk.Add(7, ["B-1", "", "BOX", "PIPE", "3.50", "1"]);

        Assert.That(chunk.Count, Is.EqualTo(1));
        Assert.That(chunk.Lines[0], Is.EqualTo(7));
        Assert.That(chunk.Valid[0], Is.False, "a new row has no verdict yet");
        Assert.That(chunk.Problems(0), Is.Null);
        Assert.That(chunk.Problems(1), Is.Null);
        Assert.That(chunk.HasConversionProblem(0), Is.False);
        Assert.That(Describe(chunk, 0), Is.EqualTo(Describe(FromText(Items, [["B-1", "", "BOX", "PIPE", "3.50", "1"]]), 0).Replace("line 2", "line 7", StringComparison.Ordinal)));
    }

    // ---- conversion ----

    [TestCaseSource(nameof(Schemas))]
    public void EndRow_ConversionProblems_SameAsRowFactory(string entity)
    {
        var schema = Schema(entity);
        var records = RandomRecords(schema, 3000, Seed + 1);

        var chunk = FromUtf8(schema, records);

        for (var row = 0; row < chunk.Count; row++)
        {
            var expected = Reference(schema, row + 2, records[row]);
            Assert.That(chunk.Problems(row) ?? [], Is.EqualTo(expected.Problems ?? []), Show(records[row]));
            Assert.That(chunk.HasConversionProblem(row), Is.EqualTo(expected.IsInvalid), Show(records[row]));
        }
    }

    [TestCase("x", "'x' is not a whole number such as 12 (no thousands separators or exponents).")]
    [TestCase("12.5", "'12.5' is not a whole number such as 12 (no thousands separators or exponents).")]
    [TestCase(" 1,000 ", "'1,000' is not a whole number such as 12 (no thousands separators or exponents).")]
    public void EndRow_IntegerThatDoesNotConvert_ProblemWithTheCleanedValue(string text, string message)
    {
        var chunk = FromText(InventoryEntity.Schema, [["A-1", "MAIN", text, "1", "0"]]);

        Assert.That(chunk.Problems(0), Is.EqualTo(new[] { new RowProblem("qty_available", text.Trim(), "conversion", message) }));
        Assert.That(chunk.HasValue(0, 2), Is.False);
        Assert.That(chunk.IsNull(0, 2), Is.False, "the text is kept for the steward report");
        Assert.That(chunk.HasConversionProblem(0), Is.True);
    }

    [Test]
    public void EndRow_LongValueThatDoesNotConvert_ShortenedInTheMessageLikeRowFactory()
    {
        var text = new string('9', 30) + "x" + new string('9', 39);

        var chunk = FromText(InventoryEntity.Schema, [["A-1", "MAIN", text, "1", "0"]]);

        var problem = chunk.Problems(0)!.Single();
        Assert.That(problem, Is.EqualTo(Reference(InventoryEntity.Schema, 2, ["A-1", "MAIN", text, "1", "0"]).Problems!.Single()));
        Assert.That(problem.Value, Is.EqualTo(text));
        Assert.That(problem.Message, Does.StartWith("'" + text[..57] + "...' is not"));
    }

    [Test]
    public void EndRow_SeveralFieldsThatDoNotConvert_OneProblemEachInFieldOrder()
    {
        var chunk = FromText(Items, [["A-1", "Bolt", "EA", "HW", "heavy", "maybe"]]);

        Assert.That(chunk.Problems(0)!.Select(p => p.Field), Is.EqualTo(new[] { "weight_kg", "active" }));
        Assert.That(chunk.Problems(0), Is.EqualTo(Reference(Items, 2, ["A-1", "Bolt", "EA", "HW", "heavy", "maybe"]).Problems));
    }

    // ---- rows, keys and portal values ----

    [TestCaseSource(nameof(Schemas))]
    public void ToRow_VariedInputs_SameAsRowFactory(string entity)
    {
        var schema = Schema(entity);
        var records = RandomRecords(schema, 3000, Seed + 2);

        var chunk = FromUtf8(schema, records);

        for (var row = 0; row < chunk.Count; row++)
        {
            var expected = Reference(schema, row + 2, records[row]);
            var actual = chunk.ToRow(row);
            var context = Show(records[row]);
            Assert.That(actual.Line, Is.EqualTo(expected.Line), context);
            Assert.That(actual.Raw, Is.EqualTo(expected.Raw), context);
            Assert.That(actual.Values.Select(v => v?.GetType()), Is.EqualTo(expected.Values.Select(v => v?.GetType())), context);
            Assert.That(actual.Values.Select(FieldConverter.Canonical), Is.EqualTo(expected.Values.Select(FieldConverter.Canonical)), context);
            Assert.That(actual.Key, Is.EqualTo(expected.Key), context);
            Assert.That(actual.Problems ?? [], Is.EqualTo(expected.Problems ?? []), context);
        }
    }

    [TestCaseSource(nameof(Schemas))]
    public void WritePortalValues_VariedInputs_Utf8OfRowFactoryPortalValues(string entity)
    {
        var schema = Schema(entity);
        var records = RandomRecords(schema, 5000, Seed + 3);
        var chunk = FromUtf8(schema, records);
        var reused = new byte[256];

        for (var row = 0; row < chunk.Count; row++)
        {
            var expected = Encoding.UTF8.GetBytes(RowFactory.PortalValues(schema, Reference(schema, row + 2, records[row])));
            var small = new byte[1];
            var smallLength = chunk.WritePortalValues(row, ref small);
            var reusedLength = chunk.WritePortalValues(row, ref reused);
            var context = Show(records[row]);
            Assert.That(small[..smallLength], Is.EqualTo(expected), context);
            Assert.That(reused[..reusedLength], Is.EqualTo(expected), context);
        }
    }

    [TestCaseSource(nameof(Schemas))]
    public void WriteKey_VariedInputs_Utf8OfRowFactoryKey(string entity)
    {
        var schema = Schema(entity);
        var records = RandomRecords(schema, 3000, Seed + 4);
        var chunk = FromUtf8(schema, records);
        var reused = new byte[256];

        for (var row = 0; row < chunk.Count; row++)
        {
            var expected = Reference(schema, row + 2, records[row]).Key;
            var small = new byte[1];
            var smallLength = chunk.WriteKey(row, ref small);
            var reusedLength = chunk.WriteKey(row, ref reused);
            Assert.That(Encoding.UTF8.GetString(small, 0, smallLength), Is.EqualTo(expected), Show(records[row]));
            Assert.That(Encoding.UTF8.GetString(reused, 0, reusedLength), Is.EqualTo(expected), Show(records[row]));
            Assert.That(chunk.Key(row), Is.EqualTo(expected), Show(records[row]));
        }
    }

    [TestCase("12.50", "12.5")]
    [TestCase("0.2500", "0.25")]
    [TestCase("100.00", "100")]
    [TestCase("-12.3400", "-12.34")]
    [TestCase(" +3.10 ", "3.1")]
    [TestCase("99999999999999.9999", "99999999999999.9999")]
    public void WritePortalValues_NumberWithTrailingZeros_Normalized(string text, string canonical)
    {
        var chunk = FromText(Items, [["A-1", "Bolt", "EA", "HW", text, "Y"]]);
        var buffer = new byte[16];

        var length = chunk.WritePortalValues(0, ref buffer);

        Assert.That(EntityKey.Parts(Encoding.UTF8.GetString(buffer, 0, length)), Is.EqualTo(new[] { "A-1", "Bolt", "EA", "HW", canonical, "true" }));
    }

    [Test]
    public void WritePortalValues_EmptyOptionalFields_EmptyBetweenSeparators()
    {
        var customers = CustomersEntity.Schema;
        var chunk = FromText(customers, [["C-1", "Acme", "", "n", null, "  "]]);
        var buffer = Array.Empty<byte>();

        var length = chunk.WritePortalValues(0, ref buffer);

        Assert.That(Encoding.UTF8.GetString(buffer, 0, length), Is.EqualTo(string.Join(EntityKey.Separator, "C-1", "Acme", "", "false", "", "")));
    }

    [Test]
    public void WritePortalValues_NonPortalFieldsLeftOut()
    {
        var inventory = InventoryEntity.Schema;
        var chunk = FromText(inventory, [["A-1", "MAIN", "5", "7", "2"]]);
        var buffer = new byte[64];

        var length = chunk.WritePortalValues(0, ref buffer);

        Assert.That(Encoding.UTF8.GetString(buffer, 0, length), Is.EqualTo(string.Join(EntityKey.Separator, "A-1", "MAIN", "5")));
    }
}
