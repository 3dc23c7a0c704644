using System.Text;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Outbound.Columns;
using Etl.Outbound.Extract;
using Etl.Tests.Support;

namespace Etl.Tests.Outbound.Extract;

public sealed class CsvDropSourceTests
{
    private const string ItemsHeader = "sku,description,uom,product_class,weight_kg,active";
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private List<RawRecord> ReadItems(string text) => ReadItems(new UTF8Encoding(false).GetBytes(text));

    private List<RawRecord> ReadItems(byte[] bytes) =>
        [.. new CsvDropSource(ItemsEntity.Schema, _temp.WriteBytes("items.csv", bytes)).Records(ItemsEntity.Schema, CancellationToken.None)];

    private DropFileException ReadItemsFails(string text) => ReadItemsFails(new UTF8Encoding(false).GetBytes(text));

    private DropFileException ReadItemsFails(byte[] bytes)
    {
        var source = new CsvDropSource(ItemsEntity.Schema, _temp.WriteBytes("items.csv", bytes));
        return Assert.Throws<DropFileException>(() => _ = source.Records(ItemsEntity.Schema, CancellationToken.None).ToList())!;
    }

    private static string Texts(RawRecord record) => string.Join("|", record.Texts.Select(t => t ?? "<null>"));

    [Test]
    public void Read_PlainFile_ReturnsFieldsInSchemaOrderWithLineNumbers()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,Nut,EA,HW,0.1,N\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y", "A-2|Nut|EA|HW|0.1|N" }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 2, 3 }));
    }

    [Test]
    public void Read_Utf8Bom_HeaderStillMatchesFirstColumn()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\n")).ToArray();

        var records = ReadItems(bytes);

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y" }));
    }

    [Test]
    public void Read_CrlfLineEnds_NoCarriageReturnInValuesAndLinesCounted()
    {
        var records = ReadItems(ItemsHeader + "\r\nA-1,Bolt,EA,HW,0.25,Y\r\nA-2,Nut,EA,HW,0.1,N\r\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y", "A-2|Nut|EA|HW|0.1|N" }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 2, 3 }));
    }

    [Test]
    public void Read_QuotedCommaLineBreakAndDoubledQuote_KeptInsideTheField()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,\"Bolt, 5\"\" long\nsecond line\",EA,HW,0.25,Y\n");

        Assert.That(records, Has.Count.EqualTo(1));
        Assert.That(records[0].Texts[1], Is.EqualTo("Bolt, 5\" long\nsecond line"));
        Assert.That(records[0].Texts[2], Is.EqualTo("EA"));
    }

    [Test]
    public void Read_BareQuoteInsideUnquotedField_TakenLiterally()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,12\" pipe,EA,HW,0.25,Y\nA-2,Nut,EA,HW,0.1,N\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|12\" pipe|EA|HW|0.25|Y", "A-2|Nut|EA|HW|0.1|N" }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 2, 3 }));
    }

    [Test]
    public void Read_HeaderInOtherOrderCaseAndWithBlanks_MappedByName()
    {
        var records = ReadItems(" Active ,WEIGHT_KG, product_class,Uom,Description ,SKU\nY,0.25,HW,EA,Bolt,A-1\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y" }));
    }

    [Test]
    public void Read_UnknownExtraColumn_Ignored()
    {
        var records = ReadItems("sku,colour,description,uom,product_class,weight_kg,active\nA-1,red,Bolt,EA,HW,0.25,Y\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y" }));
    }

    [Test]
    public void Read_BlankLines_SkippedAndPhysicalLineNumbersKept()
    {
        var records = ReadItems(ItemsHeader + "\n\nA-1,Bolt,EA,HW,0.25,Y\n\n\nA-2,Nut,EA,HW,0.1,N\n\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y", "A-2|Nut|EA|HW|0.1|N" }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 3, 6 }));
    }

    [Test]
    public void Read_QuotedLineBreak_NextRecordLineNumberJumps()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,\"two\nlines\",EA,HW,0.25,Y\nA-2,Nut,EA,HW,0.1,N\nA-3,\"three\nshort\nlines\",EA,HW,1,Y\nA-4,Washer,EA,HW,0.01,Y\n");

        Assert.That(records.Select(r => r.Texts[0]), Is.EqualTo(new[] { "A-1", "A-2", "A-3", "A-4" }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 2, 4, 5, 8 }));
    }

    [Test]
    public void Read_EmptyFields_ReturnedAsNull()
    {
        // Records gives cleaned texts: an empty value is null (the chunk holds no value for it).
        var records = ReadItems(ItemsHeader + "\nA-1,,EA,,,Y\n");

        Assert.That(Texts(records[0]), Is.EqualTo("A-1|<null>|EA|<null>|<null>|Y"));
    }

    [Test]
    public void Read_FreeTextBlanks_KeptAsWritten()
    {
        var records = ReadItems(ItemsHeader + "\n A-1 ,  Bolt  , EA ,HW,0.25,Y\n");

        // Records gives cleaned texts (trimmed where the field kind trims): codes lose their blanks, free text keeps them.
        Assert.That(records[0].Texts[1], Is.EqualTo("  Bolt  "));
        Assert.That(records[0].Texts[0], Is.EqualTo("A-1"));
        Assert.That(records[0].Texts[2], Is.EqualTo("EA"));
    }

    [Test]
    public void Read_FreeTextOfBlanksOnly_Null()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,   ,EA,HW,0.25,Y\n");

        Assert.That(records[0].Texts[1], Is.Null);
    }

    [Test]
    public void Read_BomWhereARecordStarts_NotData()
    {
        // Files glued together by an export job: the second file's byte order mark sits at the start of a record.
        var bytes = Encoding.UTF8.GetBytes(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\n").Concat(Encoding.UTF8.GetPreamble())
            .Concat(Encoding.UTF8.GetBytes("A-2,Nut,EA,HW,0.1,N\n")).ToArray();

        var records = ReadItems(bytes);

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y", "A-2|Nut|EA|HW|0.1|N" }));
    }

    [Test]
    public void Read_BomAtTheStartOfAQuotedFreeText_NotData()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,\"\uFEFF Bolt\",EA,HW,0.25,Y\n");

        Assert.That(records[0].Texts[1], Is.EqualTo(" Bolt"));
    }

    [Test]
    public void Read_NonAsciiText_DecodedFromUtf8()
    {
        var records = ReadItems(ItemsHeader + "\nÄ-1,Mutter für M8 – 10 € \U0001F529,EA,HW,0.25,Y\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "Ä-1|Mutter für M8 – 10 € \U0001F529|EA|HW|0.25|Y" }));
    }

    [Test]
    public void Read_MoreRecordsThanOneChunk_AllInOrderWithTheirLinesAndPositions()
    {
        const int count = RowChunk.Capacity * 2 + 5;
        var path = _temp.Write("items.csv", ItemsHeader + "\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"S{i:D6},Item {i},EA,HW,0.25,Y\n")));
        var source = new CsvDropSource(ItemsEntity.Schema, path);

        var records = source.Records(ItemsEntity.Schema, CancellationToken.None).ToList();
        var pool = new RowChunkPool(ItemsEntity.Schema);
        var chunks = source.Read(pool, CancellationToken.None).Select(c => (c.Count, c.SourcePosition)).ToList();

        Assert.That(records, Has.Count.EqualTo(count));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(Enumerable.Range(2, count).Select(i => (long)i)));
        Assert.That(records[^1].Texts[0], Is.EqualTo($"S{count - 1:D6}"));
        Assert.That(chunks.Select(c => c.Count), Is.EqualTo(new[] { RowChunk.Capacity, RowChunk.Capacity, 5 }));
        Assert.That(chunks.Select(c => c.SourcePosition), Is.Ordered.Ascending);
        Assert.That(chunks[^1].SourcePosition, Is.EqualTo(source.Length));
    }

    [Test]
    public void Read_TwiceFromTheSameSource_ReturnsTheSameRecords()
    {
        var source = new CsvDropSource(ItemsEntity.Schema, _temp.Write("items.csv", ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\n"));

        var first = source.Records(ItemsEntity.Schema, CancellationToken.None).Select(Texts).ToList();
        var second = source.Records(ItemsEntity.Schema, CancellationToken.None).Select(Texts).ToList();

        Assert.That(second, Is.EqualTo(first).And.Count.EqualTo(1));
    }

    [Test]
    public void AsOf_IsLastWriteTimeInUtcTruncatedToTheSecond()
    {
        var path = _temp.Write("items.csv", ItemsHeader + "\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 11, 30, 1, 59, 58, 765, DateTimeKind.Utc));

        var source = new CsvDropSource(ItemsEntity.Schema, path);

        Assert.That(source.AsOf, Is.EqualTo(new DateTimeOffset(2026, 11, 30, 1, 59, 58, TimeSpan.Zero)));
        Assert.That(source.Name, Is.EqualTo("items.csv"));
    }

    [Test]
    public void Read_HeaderOnly_ReturnsNoRecords()
    {
        Assert.That(ReadItems(ItemsHeader + "\n"), Is.Empty);
    }

    [Test]
    public void Read_RaggedRowAfterQuotedLineBreak_FailsWithThePhysicalLine()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,\"two\nlines\",EA,HW,0.25,Y\nA-2,Nut,EA,HW\n");

        Assert.That(e.Line, Is.EqualTo(4));
    }

    [Test]
    public void Read_UnclosedQuoteOnLastLine_Fails()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,\"Nut,EA,HW,0.1,N");

        Assert.That(e.Line, Is.EqualTo(3));
    }

    [Test]
    public void Read_SeveralBareQuotesInUnquotedField_TakenLiterally()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,5\" x 3\" pipe,EA,HW,0.25,Y\n");

        Assert.That(records[0].Texts[1], Is.EqualTo("5\" x 3\" pipe"));
    }

    [Test]
    public void Read_QuotedHeaderNames_Matched()
    {
        var records = ReadItems("\"sku\",\"description\",\"uom\",\"product_class\",\"weight_kg\",\"active\"\nA-1,Bolt,EA,HW,0.25,Y\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y" }));
    }

    [Test]
    public void Read_TrailingCommaOnEveryLine_BlankExtraColumnIgnored()
    {
        var records = ReadItems(ItemsHeader + ",\nA-1,Bolt,EA,HW,0.25,Y,\n");

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|Bolt|EA|HW|0.25|Y" }));
    }

    [Test]
    public void Read_LastLineWithoutLineBreak_Read()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\r\nA-2,Nut,EA,HW,0.1,N");

        Assert.That(records.Select(r => r.Texts[0]), Is.EqualTo(new[] { "A-1", "A-2" }));
    }

    [Test]
    public void Read_QuotedCrlfInsideFieldOfACrlfFile_KeptAndLinesCounted()
    {
        var records = ReadItems(ItemsHeader + "\r\nA-1,\"two\r\nlines\",EA,HW,0.25,Y\r\nA-2,Nut,EA,HW,0.1,N\r\n");

        Assert.That(records[0].Texts[1], Is.EqualTo("two\r\nlines"));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 2, 4 }));
    }

    [Test]
    public void Read_BomAndHeaderOnly_NoRecords()
    {
        Assert.That(ReadItems([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(ItemsHeader + "\r\n")]), Is.Empty);
    }

    [Test]
    public void Read_BomOnly_FailsAsHavingNoHeader()
    {
        var e = ReadItemsFails(Encoding.UTF8.GetPreamble());

        Assert.That(e.Line, Is.LessThanOrEqualTo(1));
        Assert.That(e.Message, Does.Contain("items.csv"));
    }

    [Test]
    public void Read_LineOfBlanksOnly_SkippedAsABlankLine()
    {
        var records = ReadItems(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\n   \nA-2,Nut,EA,HW,0.1,N\n");

        Assert.That(records.Select(r => r.Texts[0]), Is.EqualTo(new[] { "A-1", "A-2" }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new long[] { 2, 4 }));
    }

    // ---- failures ----

    [Test]
    public void Read_ZeroBytes_FailsSayingTheFileIsEmpty()
    {
        var e = ReadItemsFails([]);

        Assert.That(e.Message, Does.Contain("items.csv").And.Contain("empty"));
        Assert.That(e.Line, Is.Zero);
    }

    [Test]
    public void Read_MissingColumn_FailsOnLineOneNamingTheColumn()
    {
        var e = ReadItemsFails("sku,description,uom,product_class,active\nA-1,Bolt,EA,HW,Y\n");

        Assert.That(e.Line, Is.EqualTo(1));
        Assert.That(e.Column, Is.EqualTo("weight_kg"));
        Assert.That(e.Message, Does.Contain("items.csv, line 1, column weight_kg"));
    }

    [Test]
    public void Read_RepeatedColumnIgnoringCaseAndBlanks_FailsOnLineOneNamingTheColumn()
    {
        var e = ReadItemsFails("sku,description,uom,product_class,weight_kg,active, UOM \nA-1,Bolt,EA,HW,0.25,Y,EA\n");

        Assert.That(e.Line, Is.EqualTo(1));
        Assert.That(e.Column, Is.EqualTo("uom"));
    }

    [Test]
    public void Read_UnclosedQuote_FailsNamingTheLineWhereTheQuoteOpens()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,\"Nut,EA,HW,0.1,N\nA-3,Washer,EA,HW,0.01,Y\n");

        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("items.csv, line 3"));
    }

    [Test]
    public void Read_UnclosedQuote_FailsNamingTheColumn()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,\"Nut,EA,HW,0.1,N\nA-3,Washer,EA,HW,0.01,Y\n");

        Assert.That(e.Column, Is.EqualTo("description"));
    }

    [Test]
    public void Read_TextAfterClosingQuote_FailsNamingTheLine()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,\"Nut\" M8,EA,HW,0.1,N\n");

        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("line 3"));
    }

    [Test]
    public void Read_TextAfterClosingQuote_FailsNamingTheColumn()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,\"Nut\" M8,EA,HW,0.1,N\n");

        Assert.That(e.Column, Is.EqualTo("description"));
    }

    [TestCase("A-2,Nut,EA,HW,0.1,N,extra", TestName = "Read_RaggedRowWithMoreFields_FailsNamingTheLine")]
    [TestCase("A-2,Nut,EA,HW,0.1", TestName = "Read_RaggedRowWithFewerFields_FailsNamingTheLine")]
    public void Read_RaggedRow_FailsNamingTheLine(string row)
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\n" + row + "\nA-3,Washer,EA,HW,0.01,Y\n");

        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("items.csv, line 3"));
    }

    [Test]
    public void Read_RaggedRowWithFewerFields_FailsNamingTheMissingColumn()
    {
        var e = ReadItemsFails(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,Nut,EA,HW,0.1\n");

        Assert.That(e.Column, Is.EqualTo("active"));
    }

    [Test]
    public void Read_Latin1Bytes_FailsNamingLineAndColumn()
    {
        var bytes = Encoding.Latin1.GetBytes(ItemsHeader + "\nA-1,Bolt,EA,HW,0.25,Y\nA-2,Mutter f\u00fcr M8,EA,HW,0.1,N\n");

        var e = ReadItemsFails(bytes);

        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Column, Is.EqualTo("description"));
        Assert.That(e.Message, Does.Contain("UTF-8"));
    }

    [Test]
    public void Read_Latin1BytesInHeader_FailsOnLineOne()
    {
        var bytes = Encoding.Latin1.GetBytes("sku,description,uom,product_class,weight_kg,active,gr\u00f6\u00dfe\nA-1,Bolt,EA,HW,0.25,Y,1\n");

        var e = ReadItemsFails(bytes);

        Assert.That(e.Line, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("UTF-8"));
    }

    [Test]
    public void Read_BlankLinesOnly_FailsAsHavingNoHeader()
    {
        var e = ReadItemsFails("\n\n\n");

        Assert.That(e.Message, Does.Contain("items.csv"));
    }

    [Test]
    public void Read_InventoryDrop_MapsAllFiveColumns()
    {
        var path = _temp.Write("inventory.csv", "qty_allocated,qty_on_hand,qty_available,warehouse,sku\n2,7,5,MAIN,A-1\n");

        var records = new CsvDropSource(InventoryEntity.Schema, path).Records(InventoryEntity.Schema, CancellationToken.None).ToList();

        Assert.That(records.Select(Texts), Is.EqualTo(new[] { "A-1|MAIN|5|7|2" }));
    }
}
