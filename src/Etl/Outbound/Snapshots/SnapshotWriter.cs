using System.IO.Compression;
using Etl.Entities;
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

    private readonly EntitySchema _schema;
    private readonly DataField[] _fields;
    private readonly DataField<bool> _isValid;
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly List<Row> _buffer = new(RowGroupSize);
    private bool _closed;

    private SnapshotWriter(EntitySchema schema, string path, string tempPath, DataField[] fields, DataField<bool> isValid, FileStream stream, ParquetWriter writer)
    {
        _isValid = isValid;
        _schema = schema;
        Path = path;
        TempPath = tempPath;
        _fields = fields;
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
            var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, CompressionLevel = CompressionLevel.Fastest };
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

    /// <summary>Adds rows (those that did not convert are left out); writes a row group when enough are buffered.</summary>
    public async Task AppendAsync(IEnumerable<Row> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            if (row.Problems?.Exists(p => p.Rule == "conversion") == true) continue;
            _buffer.Add(row);
            if (_buffer.Count == RowGroupSize) await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the last row group and closes the file (still under its temp name).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count > 0 || Rows == 0) await FlushAsync(cancellationToken);
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
            switch (_schema.Fields[f].Kind)
            {
                case FieldKind.Integer:
                    await group.WriteAsync<long>(field, Column(f, v => v is long l ? l : (long?)null), null, null, cancellationToken);
                    break;
                case FieldKind.Number:
                    await group.WriteAsync<decimal>(field, Column(f, v => v is decimal d ? Math.Round(d, 4) : (decimal?)null), null, null, cancellationToken);
                    break;
                case FieldKind.Date:
                    await group.WriteAsync<DateOnly>(field, Column(f, v => v is DateOnly d ? d : (DateOnly?)null), null, null, cancellationToken);
                    break;
                case FieldKind.Flag:
                    await group.WriteAsync<bool>(field, Column(f, v => v is bool b ? b : (bool?)null), null, null, cancellationToken);
                    break;
                default:
                    await group.WriteAsync(field, _buffer.Select(r => r.Values[f] as string).ToArray(), null);
                    break;
            }
        }
        Testing.CrashPoints.Hit("outbound.mid-snapshot");
        Testing.CrashPoints.Write("outbound.snapshot");
        await group.WriteAsync<bool>(_isValid, _buffer.Select(r => !r.IsInvalid).ToArray(), null, null, cancellationToken);
        Rows += _buffer.Count;
        _buffer.Clear();
    }

    private ReadOnlyMemory<T?> Column<T>(int field, Func<object?, T?> select) where T : struct
    {
        var values = new T?[_buffer.Count];
        for (var i = 0; i < values.Length; i++) values[i] = select(_buffer[i].Values[field]);
        return values;
    }
}
