using Etl.Entities;
using Etl.Entities.FixedPrices;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Outbound.Columns;
using Etl.Outbound.Snapshots;
using Etl.Tests.Support;

namespace Etl.Tests.Outbound.Snapshots;

public sealed class SnapshotWriterTests
{
    private const string RunId = "20261130T020000Z-abc123";
    private static readonly DateTimeOffset RunStart = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string PathOf(EntitySchema schema) => SnapshotWriter.PathFor(_temp.Path, schema.Name, RunId, RunStart);

    /// <summary>A chunk of records (texts in schema order), each valid unless it has a (conversion) problem, as the diff would leave it.</summary>
    private static RowChunk Chunk(EntitySchema schema, params string?[][] records)
    {
        var chunk = SourceRows.Chunk(schema, records);
        for (var row = 0; row < chunk.Count; row++) chunk.Valid[row] = chunk.Problems(row) is null;
        return chunk;
    }

    /// <summary>Marks a row invalid with a problem, as the diff does.</summary>
    private static RowChunk Invalid(RowChunk chunk, int row, RowProblem problem)
    {
        chunk.AddProblem(row, problem);
        chunk.Valid[row] = false;
        return chunk;
    }

    private async Task<string> WriteAndPublishAsync(EntitySchema schema, params string?[][] records) =>
        await WriteAndPublishAsync(schema, Chunk(schema, records));

    private async Task<string> WriteAndPublishAsync(EntitySchema schema, RowChunk chunk)
    {
        await using var writer = await SnapshotWriter.CreateAsync(schema, PathOf(schema), CancellationToken.None);
        if (chunk.Count > 0) await writer.AppendAsync(chunk, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        writer.Publish();
        return writer.Path;
    }

    [Test]
    public void PathFor_IsSnapshotsEntityUtcDateFolderAndRunFile()
    {
        var path = SnapshotWriter.PathFor("/data", "inventory", RunId, new DateTimeOffset(2026, 11, 30, 21, 30, 0, TimeSpan.FromHours(-5)));

        Assert.That(path, Is.EqualTo(Path.Combine("/data", "snapshots", "inventory", "date=2026-12-01", $"inventory_{RunId}.parquet")));
    }

    [Test]
    public async Task CreateAsync_BeforePublish_OnlyAHiddenTempFileExists()
    {
        var path = PathOf(InventoryEntity.Schema);
        await using var writer = await SnapshotWriter.CreateAsync(InventoryEntity.Schema, path, CancellationToken.None);
        await writer.AppendAsync(Chunk(InventoryEntity.Schema, ["A-1", "MAIN", "5", "7", "2"]), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.That(File.Exists(path), Is.False);
        Assert.That(File.Exists(writer.TempPath), Is.True);
        Assert.That(Path.GetFileName(writer.TempPath), Does.StartWith(".").And.EndWith(".tmp"));
        Assert.That(Path.GetDirectoryName(writer.TempPath), Is.EqualTo(Path.GetDirectoryName(path)));

        writer.Publish();

        Assert.That(File.Exists(path), Is.True);
        Assert.That(File.Exists(writer.TempPath), Is.False);
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }));
    }

    [Test]
    public async Task DisposeAsync_WithoutPublish_LeavesNoFile()
    {
        var path = PathOf(InventoryEntity.Schema);
        var writer = await SnapshotWriter.CreateAsync(InventoryEntity.Schema, path, CancellationToken.None);
        await writer.AppendAsync(Chunk(InventoryEntity.Schema, ["A-1", "MAIN", "5", "7", "2"]), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        await writer.DisposeAsync();

        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.Empty);
    }

    [Test]
    public async Task DisposeAsync_BeforeComplete_LeavesNoFile()
    {
        var path = PathOf(InventoryEntity.Schema);
        var writer = await SnapshotWriter.CreateAsync(InventoryEntity.Schema, path, CancellationToken.None);
        await writer.AppendAsync(Chunk(InventoryEntity.Schema, ["A-1", "MAIN", "5", "7", "2"]), CancellationToken.None);

        await writer.DisposeAsync();

        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.Empty);
    }

    [Test]
    public async Task Publish_Inventory_QuantitiesAreInt64AndIsValidBoolean()
    {
        var schema = InventoryEntity.Schema;
        var chunk = Invalid(Chunk(schema, ["A-1", "MAIN", "5", "7", "2"], ["B-2", "MAIN", "1", "1", "0"]),
            1, new RowProblem("sku|warehouse", "B-2|MAIN", "duplicate_key", "repeated"));

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema, chunk));

        Assert.That(file.Fields.Select(f => f.Name), Is.EqualTo(new[] { "sku", "warehouse", "qty_available", "qty_on_hand", "qty_allocated", "is_valid" }));
        Assert.That(file.Field("qty_available").SchemaElement!.Type, Is.EqualTo(Parquet.Meta.Type.INT64));
        Assert.That(file.Field("qty_available").ClrType, Is.EqualTo(typeof(long)));
        Assert.That(file.Field("sku").SchemaElement!.Type, Is.EqualTo(Parquet.Meta.Type.BYTE_ARRAY));
        Assert.That(file.Field("sku").SchemaElement!.LogicalType?.STRING, Is.Not.Null);
        Assert.That(file.Field("is_valid").SchemaElement!.Type, Is.EqualTo(Parquet.Meta.Type.BOOLEAN));
        Assert.That(file.Field("is_valid").IsNullable, Is.False);
        Assert.That(file.Rows, Is.EqualTo(2));
        Assert.That(file.Columns["sku"], Is.EqualTo(new object?[] { "A-1", "B-2" }));
        Assert.That(file.Columns["qty_available"], Is.EqualTo(new object?[] { 5L, 1L }));
        Assert.That(file.Columns["qty_on_hand"], Is.EqualTo(new object?[] { 7L, 1L }));
        Assert.That(file.Columns["is_valid"], Is.EqualTo(new object?[] { true, false }));
    }

    [Test]
    public async Task Publish_Items_DecimalWithScaleFourBooleanAndFreeTextAsWritten()
    {
        var schema = ItemsEntity.Schema;

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema,
            ["A-1", "  Bolt, 5\" long ", "EA", "HW", "0.2500", "Y"],
            ["A-2", "Nut", "EA", "HW", "12", "n"]));

        var weight = file.Field("weight_kg");
        Assert.That(weight.ClrType, Is.EqualTo(typeof(decimal)));
        Assert.That(weight.SchemaElement!.LogicalType?.DECIMAL, Is.Not.Null);
        Assert.That(weight.SchemaElement.LogicalType!.DECIMAL!.Precision, Is.EqualTo(18));
        Assert.That(weight.SchemaElement.LogicalType.DECIMAL.Scale, Is.EqualTo(4));
        Assert.That(file.Columns["weight_kg"], Is.EqualTo(new object?[] { 0.25m, 12m }));
        Assert.That(file.Field("active").SchemaElement!.Type, Is.EqualTo(Parquet.Meta.Type.BOOLEAN));
        Assert.That(file.Columns["active"], Is.EqualTo(new object?[] { true, false }));
        Assert.That(file.Columns["description"], Is.EqualTo(new object?[] { "  Bolt, 5\" long ", "Nut" }));
        Assert.That(file.Columns["is_valid"], Is.EqualTo(new object?[] { true, true }));
    }

    [Test]
    public async Task Publish_FixedPrices_DatesAsDateAndEmptyValuesAsNull()
    {
        var schema = FixedPricesEntity.Schema;

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema,
            ["C-1", "A-1", "EUR", "9.99", "2026-01-01", "2026-06-30"],
            ["C-1", "A-2", "EUR", "1.5", "2026-02-01", ""]));

        var validTo = file.Field("valid_to");
        Assert.That(validTo.ClrType, Is.EqualTo(typeof(DateOnly)));
        Assert.That(validTo.SchemaElement!.Type, Is.EqualTo(Parquet.Meta.Type.INT32));
        Assert.That(validTo.SchemaElement.LogicalType?.DATE, Is.Not.Null);
        Assert.That(validTo.IsNullable, Is.True);
        Assert.That(file.Columns["valid_from"], Is.EqualTo(new object?[] { new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1) }));
        Assert.That(file.Columns["valid_to"], Is.EqualTo(new object?[] { new DateOnly(2026, 6, 30), null }));
        Assert.That(file.Columns["fixed_price"], Is.EqualTo(new object?[] { 9.99m, 1.5m }));
    }

    [Test]
    public async Task Publish_EmptyOptionalText_WrittenAsNullStrings()
    {
        var schema = Etl.Entities.Customers.CustomersEntity.Schema;

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema,
            ["C-1", "Acme", "", "Y", "RETAIL", ""],
            ["C-2", "Bolt", "P-2", "N", " ", "G1"]));

        Assert.That(file.Field("portal_account_id").IsNullable, Is.True);
        Assert.That(file.Columns["portal_account_id"], Is.EqualTo(new object?[] { null, "P-2" }));
        Assert.That(file.Columns["price_list"], Is.EqualTo(new object?[] { "RETAIL", null }));
        Assert.That(file.Columns["discount_group"], Is.EqualTo(new object?[] { null, "G1" }));
    }

    [Test]
    public async Task AppendAsync_RowsThatDidNotConvert_LeftOutRuleFailuresKeptAsInvalid()
    {
        var schema = InventoryEntity.Schema;
        var chunk = Invalid(Chunk(schema, ["A-1", "MAIN", "5", "7", "2"], ["B-2", "MAIN", "five", "7", "2"], ["C-3", "MAIN", "9", "7", "2"]),
            2, new RowProblem("qty_available", "9", "qty_balance", "unbalanced"));

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema, chunk));

        Assert.That(file.Columns["sku"], Is.EqualTo(new object?[] { "A-1", "C-3" }));
        Assert.That(file.Columns["is_valid"], Is.EqualTo(new object?[] { true, false }));
    }

    [Test]
    public async Task CompleteAsync_NoRows_ReadableFileWithTheSchemaAndNoRows()
    {
        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(InventoryEntity.Schema, new RowChunk(InventoryEntity.Schema)));

        Assert.That(file.Rows, Is.Zero);
        Assert.That(file.Fields.Select(f => f.Name), Does.Contain("qty_available").And.Contain("is_valid"));
    }

    [Test]
    public async Task AppendAsync_ManyChunks_AllRowsInOrder()
    {
        var schema = InventoryEntity.Schema;
        var path = PathOf(schema);
        await using (var writer = await SnapshotWriter.CreateAsync(schema, path, CancellationToken.None))
        {
            for (var chunk = 0; chunk < 5; chunk++)
            {
                await writer.AppendAsync(Chunk(schema, [.. Enumerable.Range(0, 1000).Select(i => new string?[] { $"S{chunk * 1000 + i:D5}", "MAIN", "1", "1", "0" })]), CancellationToken.None);
            }
            await writer.CompleteAsync(CancellationToken.None);
            Assert.That(writer.Rows, Is.EqualTo(5000));
            writer.Publish();
        }

        var file = await ParquetFile.ReadAsync(path);

        Assert.That(file.Rows, Is.EqualTo(5000));
        Assert.That(file.Columns["sku"], Is.Ordered.Ascending);
        Assert.That(file.Columns["sku"][4999], Is.EqualTo("S04999"));
    }

    [Test]
    public async Task Publish_LargestDecimalEighteenFour_RoundTrips()
    {
        var schema = ItemsEntity.Schema;

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema, ["A-1", "Big", "EA", "HW", "99999999999999.9999", "Y"]));

        Assert.That(file.Columns["weight_kg"], Is.EqualTo(new object?[] { 99999999999999.9999m }));
    }

    [Test]
    public async Task Publish_NumberTooLargeForDecimalEighteenFour_IsAConversionErrorLeftOutOfTheSnapshot()
    {
        var schema = ItemsEntity.Schema;
        var chunk = Chunk(schema, ["A-1", "Heavy", "EA", "HW", "12345678901234567", "Y"]);
        Assert.That(chunk.Problems(0), Has.Exactly(1).Property("Rule").EqualTo("conversion").And.Property("Field").EqualTo("weight_kg"));

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema, chunk));

        Assert.That(file.Rows, Is.EqualTo(0));
    }

    [Test]
    public async Task Publish_TextThatRepeatsAFewValues_DictionaryEncodedDistinctTextPlain()
    {
        var schema = InventoryEntity.Schema;
        string[] warehouses = ["MAIN", "EAST", "WEST", "NORTH"];
        var chunk = new RowChunk(schema);
        for (var i = 0; i < RowChunk.Capacity; i++) chunk.Add(i + 2, [$"S{i:D7}", warehouses[i % 4], "1", "1", "0"]);
        for (var i = 0; i < RowChunk.Capacity; i++) chunk.Valid[i] = true;

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema, chunk));

        Assert.That(file.Encodings["warehouse"], Does.Contain(Parquet.Meta.Encoding.PLAIN_DICTIONARY));
        Assert.That(file.Encodings["sku"], Does.Not.Contain(Parquet.Meta.Encoding.PLAIN_DICTIONARY).And.Contain(Parquet.Meta.Encoding.PLAIN));
        Assert.That(file.Columns["warehouse"].Take(5), Is.EqualTo(new[] { "MAIN", "EAST", "WEST", "NORTH", "MAIN" }));
        Assert.That(file.Columns["warehouse"].Distinct(), Is.EquivalentTo(warehouses));
        Assert.That(file.Columns["sku"][^1], Is.EqualTo($"S{RowChunk.Capacity - 1:D7}"));
    }

    private static RowChunk FullChunk(EntitySchema schema, int first)
    {
        var chunk = new RowChunk(schema);
        for (var i = 0; i < RowChunk.Capacity; i++) chunk.Add(i + 2, [$"S{first + i:D7}", "MAIN", "1", "1", "0"]);
        for (var i = 0; i < RowChunk.Capacity; i++) chunk.Valid[i] = true;
        return chunk;
    }

    [Test]
    public async Task AppendAsync_NineFullChunks_RowGroupOfEightChunksThenTheRest()
    {
        var schema = InventoryEntity.Schema;
        var path = PathOf(schema);
        await using (var writer = await SnapshotWriter.CreateAsync(schema, path, CancellationToken.None))
        {
            for (var c = 0; c < 9; c++) await writer.AppendAsync(FullChunk(schema, c * RowChunk.Capacity), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
            writer.Publish();
        }

        // A row group holds SnapshotWriter.RowGroupSize rows: eight full chunks.
        var file = await ParquetFile.ReadAsync(path);
        Assert.That(file.Rows, Is.EqualTo(9L * RowChunk.Capacity));
        Assert.That(file.RowGroups, Is.EqualTo(2));
        Assert.That(file.Columns["sku"][^1], Is.EqualTo($"S{9 * RowChunk.Capacity - 1:D7}"));
    }

    [Test]
    public async Task AppendAsync_ChunkReusedRightAfterwards_SnapshotKeepsWhatItHeld()
    {
        var schema = InventoryEntity.Schema;
        var path = PathOf(schema);
        await using (var writer = await SnapshotWriter.CreateAsync(schema, path, CancellationToken.None))
        {
            var chunk = FullChunk(schema, 0);
            await writer.AppendAsync(chunk, CancellationToken.None);
            chunk.Clear();
            chunk.Add(2, ["REUSED-LONGER-THAN-BEFORE", "EAST", "7", "7", "0"]);
            chunk.Valid[0] = true;
            await writer.AppendAsync(chunk, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
            writer.Publish();
        }

        var file = await ParquetFile.ReadAsync(path);
        Assert.That(file.Rows, Is.EqualTo(RowChunk.Capacity + 1L));
        Assert.That(file.Columns["sku"][0], Is.EqualTo("S0000000"));
        Assert.That(file.Columns["sku"][RowChunk.Capacity - 1], Is.EqualTo($"S{RowChunk.Capacity - 1:D7}"));
        Assert.That(file.Columns["sku"][^1], Is.EqualTo("REUSED-LONGER-THAN-BEFORE"));
        Assert.That(file.Columns["warehouse"][^1], Is.EqualTo("EAST"));
        Assert.That(file.Columns["qty_available"][^1], Is.EqualTo(7L));
        Assert.That(file.Columns["warehouse"].Take(RowChunk.Capacity), Is.All.EqualTo("MAIN"));
    }

    [Test]
    public async Task AppendAsync_TextsOutgrowTheRowGroupsBuffer_EveryValueKept()
    {
        var schema = InventoryEntity.Schema;
        var path = PathOf(schema);
        var prefix = new string('x', 30);
        await using (var writer = await SnapshotWriter.CreateAsync(schema, path, CancellationToken.None))
        {
            for (var c = 0; c < 8; c++)
            {
                var chunk = new RowChunk(schema);
                for (var i = 0; i < RowChunk.Capacity; i++) chunk.Add(i + 2, [$"{prefix}{c * RowChunk.Capacity + i:D7}", "MAIN", "1", "1", "0"]);
                for (var i = 0; i < RowChunk.Capacity; i++) chunk.Valid[i] = true;
                await writer.AppendAsync(chunk, CancellationToken.None);
            }
            await writer.CompleteAsync(CancellationToken.None);
            writer.Publish();
        }

        var file = await ParquetFile.ReadAsync(path);
        Assert.That(file.Columns["sku"], Is.EqualTo(Enumerable.Range(0, 8 * RowChunk.Capacity).Select(i => $"{prefix}{i:D7}")).AsCollection);
    }

    [Test]
    public async Task Publish_TextsTrimmedByKind_CodesTrimmedFreeTextAsWrittenBlankValuesNull()
    {
        var schema = ItemsEntity.Schema;

        var file = await ParquetFile.ReadAsync(await WriteAndPublishAsync(schema, [" A-1 ", "  Bolt ", " EA", "HW ", " 1.50 ", " y "], ["A-2", "   ", "EA", "HW", "2", "N"]));

        Assert.That(file.Columns["sku"], Is.EqualTo(new object?[] { "A-1", "A-2" }));
        Assert.That(file.Columns["description"], Is.EqualTo(new object?[] { "  Bolt ", null }));
        Assert.That(file.Columns["uom"], Is.EqualTo(new object?[] { "EA", "EA" }));
        Assert.That(file.Columns["weight_kg"], Is.EqualTo(new object?[] { 1.5m, 2m }));
        Assert.That(file.Columns["active"], Is.EqualTo(new object?[] { true, false }));
    }
}
