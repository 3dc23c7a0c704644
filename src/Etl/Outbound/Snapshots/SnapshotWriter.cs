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
    private readonly List<RowChunk> _pending = [];
    private readonly Array?[] _columns;
    private bool[]? _valid;
    private int _pendingRows;
    private bool _closed;

    private SnapshotWriter(EntitySchema schema, string path, string tempPath, DataField[] fields, DataField<bool> isValid, FileStream stream, ParquetWriter writer)
    {
        _isValid = isValid;
        _schema = schema;
        Path = path;
        TempPath = tempPath;
        _fields = fields;
        _columns = new Array?[fields.Length];
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
    /// Adds a classified chunk (its rows that did not convert are left out); writes a row group once enough rows wait.
    /// Returns the chunks written, which nothing reads any more.
    /// </summary>
    public async Task<List<RowChunk>> AppendAsync(RowChunk chunk, CancellationToken cancellationToken)
    {
        _pending.Add(chunk);
        _pendingRows += chunk.Count;
        return _pendingRows >= RowGroupSize ? await FlushAsync(cancellationToken) : [];
    }

    /// <summary>Writes the last row group and closes the file (still under its temp name); returns the chunks written.</summary>
    public async Task<List<RowChunk>> CompleteAsync(CancellationToken cancellationToken)
    {
        var written = _pendingRows > 0 || Rows == 0 ? await FlushAsync(cancellationToken) : [];
        await CloseAsync();
        return written;
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

    private async Task<List<RowChunk>> FlushAsync(CancellationToken cancellationToken)
    {
        var rows = 0;
        foreach (var chunk in _pending)
        {
            for (var row = 0; row < chunk.Count; row++) rows += chunk.HasConversionProblem(row) ? 0 : 1;
        }
        using var group = _writer.CreateRowGroup();
        for (var f = 0; f < _fields.Length; f++)
        {
            var field = _fields[f];
            switch (_schema.Fields[f].Kind)
            {
                case FieldKind.Integer:
                    await group.WriteAsync<long>(field, Column(f, rows, (c, r) => c.Integer(r, f)), null, null, cancellationToken);
                    break;
                case FieldKind.Number:
                    await group.WriteAsync<decimal>(field, Column(f, rows, (c, r) => Math.Round(c.Number(r, f), 4)), null, null, cancellationToken);
                    break;
                case FieldKind.Date:
                    await group.WriteAsync<DateOnly>(field, Column(f, rows, (c, r) => c.Date(r, f)), null, null, cancellationToken);
                    break;
                case FieldKind.Flag:
                    await group.WriteAsync<bool>(field, Column(f, rows, (c, r) => c.Flag(r, f)), null, null, cancellationToken);
                    break;
                default:
                    await group.WriteAsync<ReadOnlyMemory<char>>(field, Column(f, rows, (c, r) => c.TextMemory(r, f)), null, null, cancellationToken);
                    break;
            }
        }
        Testing.CrashPoints.Hit("outbound.mid-snapshot");
        Testing.CrashPoints.Write("outbound.snapshot");
        var valid = Buffer(ref _valid, rows);
        var i = 0;
        foreach (var (chunk, row) in Included()) valid[i++] = chunk.Valid[row];
        await group.WriteAsync<bool>(_isValid, valid.AsMemory(0, rows), null, null, cancellationToken);
        Rows += rows;
        var written = new List<RowChunk>(_pending);
        _pending.Clear();
        _pendingRows = 0;
        return written;
    }

    /// <summary>The waiting rows that go into the snapshot (every row that converted).</summary>
    private IEnumerable<(RowChunk Chunk, int Row)> Included()
    {
        foreach (var chunk in _pending)
        {
            for (var row = 0; row < chunk.Count; row++)
            {
                if (!chunk.HasConversionProblem(row)) yield return (chunk, row);
            }
        }
    }

    /// <summary>A field's values for the row group, in a buffer reused from group to group.</summary>
    private ReadOnlyMemory<T?> Column<T>(int field, int rows, Func<RowChunk, int, T> value) where T : struct
    {
        var values = (T?[]?)_columns[field];
        values = Buffer(ref values, rows);
        _columns[field] = values;
        var i = 0;
        foreach (var chunk in _pending)
        {
            for (var row = 0; row < chunk.Count; row++)
            {
                if (chunk.HasConversionProblem(row)) continue;
                values[i++] = chunk.HasValue(row, field) ? value(chunk, row) : null;
            }
        }
        return values.AsMemory(0, rows);
    }

    private static T[] Buffer<T>(ref T[]? buffer, int rows)
    {
        if (buffer is null || buffer.Length < rows) buffer = new T[Math.Max(rows, RowGroupSize)];
        return buffer;
    }
}
