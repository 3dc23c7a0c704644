using System.IO.Compression;
using Etl.Entities;
using Etl.Outbound.Columns;
using Parquet;
using Parquet.Schema;

namespace Etl.Outbound.Snapshots;

/// <summary>
/// Writes an entity's snapshot as Parquet while the diff runs: every row that converted, typed columns
/// (text, INT64, DECIMAL(18,4), DATE, BOOLEAN) and is_valid. It is written to a hidden temp name and only
/// <see cref="Publish"/>ed once the entity's guards have passed.
/// </summary>
public sealed class SnapshotWriter : IAsyncDisposable
{
    /// <summary>Rows per row group: large groups read fast in DuckDB and pandas.</summary>
    public const int RowGroupSize = 131_072;

    /// <summary>
    /// Values of a text column Parquet.Net looks at before it tries dictionary encoding: a column of mostly distinct
    /// values (SKUs, names) is then written plainly without hashing every value of the row group first.
    /// </summary>
    private const int DictionarySample = 4096;

    private readonly EntitySchema _schema;
    private readonly DataField[] _fields;
    private readonly DataField<bool> _isValid;
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly Array[] _columns;
    private readonly bool[] _valid = new bool[RowGroupSize];
    private readonly int[] _included = new int[RowChunk.Capacity];
    private char[] _texts = new char[RowGroupSize * 16];
    private int _textsUsed;
    private int _rows;
    private bool _closed;

    private SnapshotWriter(EntitySchema schema, string path, string tempPath, DataField[] fields, DataField<bool> isValid, FileStream stream, ParquetWriter writer)
    {
        _isValid = isValid;
        _schema = schema;
        Path = path;
        TempPath = tempPath;
        _fields = fields;
        _columns = [.. schema.Fields.Select(f => f.Kind switch
        {
            FieldKind.Integer => (Array)new long?[RowGroupSize],
            FieldKind.Number => new decimal?[RowGroupSize],
            FieldKind.Date => new DateOnly?[RowGroupSize],
            FieldKind.Flag => new bool?[RowGroupSize],
            _ => new ReadOnlyMemory<char>?[RowGroupSize],
        })];
        _stream = stream;
        _writer = writer;
    }

    /// <summary>Where the snapshot appears once published.</summary>
    public string Path { get; }

    /// <summary>The hidden name it is written under.</summary>
    public string TempPath { get; }

    /// <summary>The number of rows written.</summary>
    public long Rows { get; private set; }

    /// <summary>snapshots/&lt;entity&gt;/date=YYYY-MM-DD/&lt;entity&gt;_&lt;run-id&gt;.parquet.</summary>
    public static string PathFor(string dataRoot, string entity, string runId, DateTimeOffset runStart) =>
        System.IO.Path.Combine(dataRoot, "snapshots", entity, $"date={runStart.UtcDateTime:yyyy-MM-dd}", $"{entity}_{runId}.parquet");

    /// <summary>The Parquet schema of an entity's snapshot.</summary>
    public static DataField[] FieldsOf(EntitySchema schema) =>
    [
        .. schema.Fields.Select(f => f.Kind switch
        {
            FieldKind.Integer => new DataField<long?>(f.Name),
            FieldKind.Number => new DecimalDataField(f.Name, 18, 4, isNullable: true),
            FieldKind.Date => new DataField<DateOnly?>(f.Name),
            FieldKind.Flag => new DataField<bool?>(f.Name),
            _ => (DataField)new DataField<string>(f.Name, true),
        }),
    ];

    /// <summary>Starts a snapshot file.</summary>
    public static async Task<SnapshotWriter> CreateAsync(EntitySchema schema, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = AtomicFile.TempPathFor(path);
        var fields = FieldsOf(schema);
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        try
        {
            var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, CompressionLevel = CompressionLevel.Fastest, DictionaryEncodingSampleSize = DictionarySample };
            var isValid = new DataField<bool>("is_valid");
            var writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. fields, isValid]), stream, options, cancellationToken: cancellationToken);
            return new SnapshotWriter(schema, path, temp, fields, isValid, stream, writer);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Copies a classified chunk's rows (those that did not convert are left out) into the row group being built, so
    /// that the chunk can be reused at once; writes the row group once it is full.
    /// </summary>
    public async Task AppendAsync(RowChunk chunk, CancellationToken cancellationToken)
    {
        // A chunk never splits across row groups, so a group's columns never hold more than RowGroupSize rows.
        if (_rows + chunk.Count > RowGroupSize) await FlushAsync(cancellationToken);
        var count = 0;
        for (var row = 0; row < chunk.Count; row++)
        {
            if (!chunk.HasConversionProblem(row)) _included[count++] = row;
        }
        var rows = _included.AsSpan(0, count);
        for (var f = 0; f < _fields.Length; f++)
        {
            switch (_schema.Fields[f].Kind)
            {
                case FieldKind.Integer: Copy(f, chunk, rows, static (c, r, f) => c.Integer(r, f)); break;
                case FieldKind.Number: Copy(f, chunk, rows, static (c, r, f) => Math.Round(c.Number(r, f), 4)); break;
                case FieldKind.Date: Copy(f, chunk, rows, static (c, r, f) => c.Date(r, f)); break;
                case FieldKind.Flag: Copy(f, chunk, rows, static (c, r, f) => c.Flag(r, f)); break;
                default: CopyTexts(f, chunk, rows); break;
            }
        }
        foreach (var row in rows) _valid[_rows++] = chunk.Valid[row];
        if (_rows == RowGroupSize) await FlushAsync(cancellationToken);
    }

    /// <summary>Writes the last row group and closes the file (still under its temp name).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_rows > 0 || Rows == 0) await FlushAsync(cancellationToken);
        await CloseAsync();
    }

    /// <summary>Makes the snapshot visible.</summary>
    public void Publish() => File.Move(TempPath, Path, overwrite: true);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        if (File.Exists(TempPath)) File.Delete(TempPath);
    }

    private async Task CloseAsync()
    {
        if (_closed) return;
        _closed = true;
        await _writer.DisposeAsync();
        await _stream.FlushAsync();
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var group = _writer.CreateRowGroup();
        for (var f = 0; f < _fields.Length; f++)
        {
            var field = _fields[f];
            switch (_columns[f])
            {
                case long?[] integers: await group.WriteAsync<long>(field, integers.AsMemory(0, _rows), null, null, cancellationToken); break;
                case decimal?[] numbers: await group.WriteAsync<decimal>(field, numbers.AsMemory(0, _rows), null, null, cancellationToken); break;
                case DateOnly?[] dates: await group.WriteAsync<DateOnly>(field, dates.AsMemory(0, _rows), null, null, cancellationToken); break;
                case bool?[] flags: await group.WriteAsync<bool>(field, flags.AsMemory(0, _rows), null, null, cancellationToken); break;
                case ReadOnlyMemory<char>?[] texts: await group.WriteAsync<ReadOnlyMemory<char>>(field, texts.AsMemory(0, _rows), null, null, cancellationToken); break;
            }
        }
        Testing.CrashPoints.Hit("outbound.mid-snapshot");
        Testing.CrashPoints.Write("outbound.snapshot");
        await group.WriteAsync<bool>(_isValid, _valid.AsMemory(0, _rows), null, null, cancellationToken);
        Rows += _rows;
        _rows = 0;
        _textsUsed = 0;
    }

    /// <summary>Copies a typed field of the rows into its column (null where the field is empty).</summary>
    private void Copy<T>(int field, RowChunk chunk, ReadOnlySpan<int> rows, Func<RowChunk, int, int, T> value) where T : struct
    {
        var values = (T?[])_columns[field];
        var at = _rows;
        foreach (var row in rows) values[at++] = chunk.HasValue(row, field) ? value(chunk, row, field) : null;
    }

    /// <summary>Copies a text field of the rows into the row group's own characters and its column.</summary>
    private void CopyTexts(int field, RowChunk chunk, ReadOnlySpan<int> rows)
    {
        var values = (ReadOnlyMemory<char>?[])_columns[field];
        var at = _rows;
        foreach (var row in rows)
        {
            if (!chunk.HasValue(row, field))
            {
                values[at++] = null;
                continue;
            }
            var text = chunk.Text(row, field);
            if (_texts.Length - _textsUsed < text.Length)
            {
                // The values copied so far keep the full buffer alive until the row group is written.
                _texts = new char[Math.Max(_texts.Length * 2, text.Length)];
                _textsUsed = 0;
            }
            text.CopyTo(_texts.AsSpan(_textsUsed));
            values[at++] = _texts.AsMemory(_textsUsed, text.Length);
            _textsUsed += text.Length;
        }
    }
}
