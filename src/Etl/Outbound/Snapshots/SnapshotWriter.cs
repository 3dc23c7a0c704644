using System.IO.Compression;
using Etl.Entities;
using Etl.Outbound.Columns;
using Microsoft.Win32.SafeHandles;
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
    /// Text columns are dictionary encoded when their values repeat a lot (warehouses, currencies, statuses): when the
    /// first <see cref="DictionarySample"/> values of a row group hold at most this share of distinct values, and the
    /// whole row group too. A column of mostly distinct values (SKUs, names) is written plainly once the sample shows
    /// it, without hashing the rest. (A dictionary halves the time of writing a column of four warehouses.)
    /// </summary>
    private const double DictionaryShare = 0.1;

    /// <summary>Values of a text column Parquet.Net looks at before it tries dictionary encoding.</summary>
    private const int DictionarySample = 4096;

    private readonly DataField[] _fields;
    private readonly DataField<bool> _isValid;
    private readonly Stream _stream;
    /// <summary>The snapshot file (null for a snapshot written to memory).</summary>
    private readonly SafeFileHandle? _file;
    private readonly ParquetWriter _writer;
    private readonly IColumn[] _columns;
    private readonly bool[] _valid = new bool[RowGroupSize];
    private readonly int[] _included = new int[RowChunk.Capacity];
    private char[] _texts = new char[RowGroupSize * 16];
    private int _textsUsed;
    private int _rows;
    private bool _closed;

    /// <summary>
    /// The row groups written so far on their way to disk while the next ones are built, so that the fsync which
    /// closes the file waits only for the last one (a million rows: 20–25 ms at the end of the run before).
    /// </summary>
    private Task _writingBack = Task.CompletedTask;

    private SnapshotWriter(EntitySchema schema, string path, string tempPath, DataField[] fields, DataField<bool> isValid, Stream stream, ParquetWriter writer)
    {
        _isValid = isValid;
        Path = path;
        TempPath = tempPath;
        _fields = fields;
        _columns = [.. schema.Fields.Select(field => field.Kind switch
        {
            FieldKind.Integer => (IColumn)new Column<long>(static (c, r, f) => c.Integer(r, f)),
            FieldKind.Number => new Column<decimal>(static (c, r, f) => Math.Round(c.Number(r, f), 4)),
            FieldKind.Date => new Column<DateOnly>(static (c, r, f) => c.Date(r, f)),
            FieldKind.Flag => new Column<bool>(static (c, r, f) => c.Flag(r, f)),
            _ => new Column<ReadOnlyMemory<char>>((c, r, f) => Keep(c.Text(r, f))),
        })];
        _stream = stream;
        _file = (stream as FileStream)?.SafeFileHandle;
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
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        try
        {
            return await CreateAsync(schema, path, temp, stream, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>A snapshot written to memory, never published (see <see cref="OutboundWarmUp"/>).</summary>
    internal static Task<SnapshotWriter> CreateInMemoryAsync(EntitySchema schema, CancellationToken cancellationToken) =>
        CreateAsync(schema, "", "", new MemoryStream(), cancellationToken);

    private static async Task<SnapshotWriter> CreateAsync(EntitySchema schema, string path, string tempPath, Stream stream, CancellationToken cancellationToken)
    {
        var fields = FieldsOf(schema);
        var options = new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Snappy,
            CompressionLevel = CompressionLevel.Fastest,
            DictionaryEncodingThreshold = DictionaryShare,
            DictionaryEncodingSampleSize = DictionarySample,
        };
        foreach (var text in schema.Fields.Where(f => f.Kind is FieldKind.Code or FieldKind.Text)) options.ColumnEncodingHints[text.Name] = EncodingHint.Dictionary;
        var isValid = new DataField<bool>("is_valid");
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. fields, isValid]), stream, options, cancellationToken: cancellationToken);
        return new SnapshotWriter(schema, path, tempPath, fields, isValid, stream, writer);
    }

    /// <summary>
    /// Copies a classified chunk's rows (those that did not convert are left out) into the row group being built, so
    /// that the chunk can be reused at once; writes the row group once it is full.
    /// </summary>
    public async Task AppendAsync(RowChunk chunk, CancellationToken cancellationToken)
    {
        // A chunk never splits across row groups, so a group's columns never hold more than RowGroupSize rows.
        if (_rows + chunk.Count > RowGroupSize) await FlushAsync(writeBack: true, cancellationToken);
        var count = 0;
        for (var row = 0; row < chunk.Count; row++)
        {
            if (!chunk.HasConversionProblem(row)) _included[count++] = row;
        }
        var rows = _included.AsSpan(0, count);
        for (var f = 0; f < _columns.Length; f++) _columns[f].Copy(chunk, f, rows, _rows);
        foreach (var row in rows) _valid[_rows++] = chunk.Valid[row];
        if (_rows == RowGroupSize) await FlushAsync(writeBack: true, cancellationToken);
    }

    /// <summary>Writes the last row group and closes the file (still under its temp name).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_rows > 0 || Rows == 0) await FlushAsync(writeBack: false, cancellationToken);
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
        await _writingBack;
        await _stream.FlushAsync();
        if (_file is not null) RandomAccess.FlushToDisk(_file);
        await _stream.DisposeAsync();
    }

    /// <summary>Writes the row group; <paramref name="writeBack"/>: and hands the file so far to the disk in the background.</summary>
    private async Task FlushAsync(bool writeBack, CancellationToken cancellationToken)
    {
        using var group = _writer.CreateRowGroup();
        for (var f = 0; f < _fields.Length; f++) await _columns[f].WriteAsync(group, _fields[f], _rows, cancellationToken);
        if (_file is not null)
        {
            // The crash tests' points are the snapshot file's, not the warm-up's in memory.
            Testing.CrashPoints.Hit("outbound.mid-snapshot");
            Testing.CrashPoints.Write("outbound.snapshot");
        }
        await group.WriteAsync<bool>(_isValid, _valid.AsMemory(0, _rows), null, null, cancellationToken);
        Rows += _rows;
        _rows = 0;
        _textsUsed = 0;
        if (writeBack) await WriteBackAsync(cancellationToken);
    }

    /// <summary>Hands what is written to the disk in the background, unless the last such flush is still going.</summary>
    private async Task WriteBackAsync(CancellationToken cancellationToken)
    {
        if (_file is not { } file || !_writingBack.IsCompleted) return;
        await _writingBack; // what the last one met
        await _stream.FlushAsync(cancellationToken);
        _writingBack = Task.Factory.StartNew(() => RandomAccess.FlushToDisk(file), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>A text kept in the row group's own characters, so that the chunk it came from can be reused.</summary>
    private ReadOnlyMemory<char> Keep(ReadOnlySpan<char> text)
    {
        if (_texts.Length - _textsUsed < text.Length)
        {
            // The texts kept so far keep the full buffer alive until the row group is written.
            _texts = new char[Math.Max(_texts.Length * 2, text.Length)];
            _textsUsed = 0;
        }
        text.CopyTo(_texts.AsSpan(_textsUsed));
        var kept = _texts.AsMemory(_textsUsed, text.Length);
        _textsUsed += text.Length;
        return kept;
    }

    /// <summary>A column of the row group being built.</summary>
    private interface IColumn
    {
        /// <summary>Copies a field of the chunk's rows into the column, the first of them as row <paramref name="at"/> of the group.</summary>
        void Copy(RowChunk chunk, int field, ReadOnlySpan<int> rows, int at);

        /// <summary>Writes the column's rows into the row group and empties it.</summary>
        Task WriteAsync(ParquetRowGroupWriter group, DataField field, int rows, CancellationToken cancellationToken);
    }

    /// <summary>
    /// A column as Parquet stores it: a definition level per row (1 for a value, 0 for an empty field; every snapshot
    /// column is an optional top-level field) and the values of the rows that have one, so that Parquet.Net does not
    /// have to sort nullable values out again. <paramref name="value"/> reads a field's value from a chunk.
    /// </summary>
    private sealed class Column<T>(Func<RowChunk, int, int, T> value) : IColumn where T : struct
    {
        private readonly int[] _levels = new int[RowGroupSize];
        private readonly T[] _values = new T[RowGroupSize];
        private int _count;

        public void Copy(RowChunk chunk, int field, ReadOnlySpan<int> rows, int at)
        {
            foreach (var row in rows)
            {
                var has = chunk.HasValue(row, field);
                _levels[at++] = has ? 1 : 0;
                if (has) _values[_count++] = value(chunk, row, field);
            }
        }

        public async Task WriteAsync(ParquetRowGroupWriter group, DataField field, int rows, CancellationToken cancellationToken)
        {
            await group.WriteAllPartsAsync<T>(field, _values.AsMemory(0, _count), _levels.AsMemory(0, rows), null, cancellationToken);
            _count = 0;
        }
    }
}
