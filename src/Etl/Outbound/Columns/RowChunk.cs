using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Etl.Entities;

namespace Etl.Outbound.Columns;

/// <summary>
/// Up to <see cref="Capacity"/> records of one entity in columns: the cleaned texts in one character buffer, the
/// converted values in typed arrays, conversion problems per row. This is how records travel through the outbound
/// graph: no object per record and no boxing. Only the rows the diff sends or reports become <see cref="Row"/>s.
/// Chunks are reused through a <see cref="RowChunkPool"/>.
/// </summary>
/// <remarks>
/// The small accessors that the per-row loops call are marked for inlining: ReadyToRun code would otherwise call each
/// of them through a stub of the runtime's, several calls a field (4% of a million-row run's CPU went to those stubs).
/// </remarks>
public sealed class RowChunk
{
    /// <summary>Rows per chunk; eight chunks make a snapshot row group.</summary>
    public const int Capacity = 16_384;

    private readonly int _fieldCount;
    private readonly FieldSpec[] _fields;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private readonly long[]?[] _integers;
    private readonly decimal[]?[] _numbers;
    private readonly DateOnly[]?[] _dates;
    private readonly bool[]?[] _flags;
    private readonly List<RowProblem>?[] _problems = new List<RowProblem>?[Capacity];
    private char[] _chars = new char[Capacity * 16];
    private int _charsUsed;

    /// <summary>An empty chunk.</summary>
    public RowChunk(EntitySchema schema)
    {
        Schema = schema;
        _fieldCount = schema.Fields.Count;
        _fields = [.. schema.Fields];
        _starts = new int[_fieldCount * Capacity];
        _lengths = new int[_fieldCount * Capacity];
        _integers = new long[]?[_fieldCount];
        _numbers = new decimal[]?[_fieldCount];
        _dates = new DateOnly[]?[_fieldCount];
        _flags = new bool[]?[_fieldCount];
        for (var f = 0; f < _fieldCount; f++)
        {
            switch (schema.Fields[f].Kind)
            {
                case FieldKind.Integer: _integers[f] = new long[Capacity]; break;
                case FieldKind.Number: _numbers[f] = new decimal[Capacity]; break;
                case FieldKind.Date: _dates[f] = new DateOnly[Capacity]; break;
                case FieldKind.Flag: _flags[f] = new bool[Capacity]; break;
            }
        }
    }

    /// <summary>The entity.</summary>
    public EntitySchema Schema { get; }

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Whether no row fits any more.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>Each row's physical line in its file (0 for SQL rows).</summary>
    public long[] Lines { get; } = new long[Capacity];

    /// <summary>How far the source has been read once this chunk is full (see <see cref="Extract.IRowSource.Length"/>).</summary>
    public long SourcePosition { get; set; }

    /// <summary>Each row's verdict, set by the diff: whether it goes into the snapshot as valid.</summary>
    public bool[] Valid { get; } = new bool[Capacity];

    /// <summary>Empties the chunk for reuse.</summary>
    public void Clear()
    {
        Array.Clear(_problems, 0, Count);
        Count = 0;
        _charsUsed = 0;
    }

    /// <summary>Starts a row; its fields are then set with <see cref="SetUtf8"/> or <see cref="SetText"/>, in any order.</summary>
    public void BeginRow(long line)
    {
        if (IsFull) throw new InvalidOperationException("The chunk is full.");
        Lines[Count] = line;
        Valid[Count] = false;
    }

    /// <summary>Sets a field of the current row from UTF-8 bytes (a byte order mark where the value starts is not data).</summary>
    public void SetUtf8(int field, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        Reserve(bytes.Length);
        var target = _chars.AsSpan(_charsUsed, bytes.Length);
        if (Ascii.ToUtf16(bytes, target, out var length) != OperationStatus.Done) length = Encoding.UTF8.GetChars(bytes, target);
        Keep(field, _charsUsed, length);
    }

    /// <summary>Sets a field of the current row from text.</summary>
    public void SetText(int field, string? text)
    {
        if (text is null)
        {
            _lengths[Index(field, Count)] = -1;
            return;
        }
        Reserve(text.Length);
        text.CopyTo(_chars.AsSpan(_charsUsed));
        Keep(field, _charsUsed, text.Length);
    }

    /// <summary>Ends the current row: converts its fields, noting a problem for each that does not convert.</summary>
    public void EndRow()
    {
        var row = Count;
        for (var f = 0; f < _fieldCount; f++)
        {
            if (IsNull(row, f)) continue;
            var text = Text(row, f);
            var field = _fields[f];
            var converted = field.Kind switch
            {
                FieldKind.Integer => FieldConverter.TryParseInteger(text, out _integers[f]![row]),
                FieldKind.Number => FieldConverter.TryParseNumber(text, out _numbers[f]![row]),
                FieldKind.Date => FieldConverter.TryParseDate(text, out _dates[f]![row]),
                FieldKind.Flag => FieldConverter.TryParseFlag(text, out _flags[f]![row]),
                _ => true,
            };
            if (!converted)
            {
                var value = text.ToString();
                AddProblem(row, new RowProblem(field.Name, value, "conversion",
                    $"'{(value.Length > 60 ? value[..57] + "..." : value)}' is not {FieldConverter.Expected(field.Kind)}."));
            }
        }
        Count++;
    }

    /// <summary>Adds a row from texts in schema order.</summary>
    public void Add(long line, IReadOnlyList<string?> texts)
    {
        BeginRow(line);
        for (var f = 0; f < _fieldCount; f++) SetText(f, texts[f]);
        EndRow();
    }

    /// <summary>A field's cleaned text; empty when the value is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<char> Text(int row, int field)
    {
        var i = Index(field, row);
        return _lengths[i] <= 0 ? [] : _chars.AsSpan(_starts[i], _lengths[i]);
    }

    /// <summary>Whether a field is empty (or did not convert: its typed value is missing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsNull(int row, int field) => _lengths[Index(field, row)] <= 0;

    /// <summary>Whether a field holds a converted value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasValue(int row, int field) => !IsNull(row, field) && !Failed(row, field);

    /// <summary>A whole-number field's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Integer(int row, int field) => _integers[field]![row];

    /// <summary>A number field's value (normalized).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public decimal Number(int row, int field) => _numbers[field]![row];

    /// <summary>A date field's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DateOnly Date(int row, int field) => _dates[field]![row];

    /// <summary>A flag field's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Flag(int row, int field) => _flags[field]![row];

    /// <summary>The row's problems so far (conversion, duplicates, rules); null when none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public List<RowProblem>? Problems(int row) => _problems[row];

    /// <summary>Whether a field of the row did not convert (such rows stay out of the snapshot).</summary>
    public bool HasConversionProblem(int row) => _problems[row]?.Exists(p => p.Rule == "conversion") == true;

    /// <summary>Notes a problem of a row.</summary>
    public void AddProblem(int row, RowProblem problem) => (_problems[row] ??= []).Add(problem);

    /// <summary>The row's key as text (key fields joined with the unit separator).</summary>
    public string Key(int row)
    {
        var keys = Schema.KeyIndexes;
        var length = keys.Length - 1;
        foreach (var k in keys) length += Text(row, k).Length;
        return string.Create(length, (Chunk: this, Row: row), static (key, at) =>
        {
            var keys = at.Chunk.Schema.KeyIndexes;
            for (var k = 0; k < keys.Length; k++)
            {
                if (k > 0)
                {
                    key[0] = EntityKey.Separator;
                    key = key[1..];
                }
                var text = at.Chunk.Text(at.Row, keys[k]);
                text.CopyTo(key);
                key = key[text.Length..];
            }
        });
    }

    /// <summary>Writes the row's key as UTF-8 into <paramref name="buffer"/> (grown when needed); returns its length.</summary>
    public int WriteKey(int row, ref byte[] buffer)
    {
        var used = 0;
        var keys = Schema.KeyIndexes;
        for (var k = 0; k < keys.Length; k++)
        {
            if (k > 0) used = Append(ref buffer, used, (byte)EntityKey.Separator);
            used = AppendText(ref buffer, used, Text(row, keys[k]));
        }
        return used;
    }

    /// <summary>
    /// Writes the row's canonical portal values as UTF-8 (what <see cref="RowFactory.PortalValues"/> gives as text)
    /// into <paramref name="buffer"/>; returns the length.
    /// </summary>
    public int WritePortalValues(int row, ref byte[] buffer)
    {
        var used = 0;
        var portal = Schema.PortalIndexes;
        for (var p = 0; p < portal.Length; p++)
        {
            if (p > 0) used = Append(ref buffer, used, (byte)EntityKey.Separator);
            var f = portal[p];
            if (!HasValue(row, f)) continue;
            if (buffer.Length - used < 64) Array.Resize(ref buffer, buffer.Length * 2 + 64);
            int written;
            switch (Schema.Fields[f].Kind)
            {
                case FieldKind.Integer: Integer(row, f).TryFormat(buffer.AsSpan(used), out written, default, CultureInfo.InvariantCulture); break;
                case FieldKind.Number: Number(row, f).TryFormat(buffer.AsSpan(used), out written, default, CultureInfo.InvariantCulture); break;
                case FieldKind.Date: Date(row, f).TryFormat(buffer.AsSpan(used), out written, "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
                case FieldKind.Flag:
                    var flag = Flag(row, f) ? "true"u8 : "false"u8;
                    flag.CopyTo(buffer.AsSpan(used));
                    written = flag.Length;
                    break;
                default: used = AppendText(ref buffer, used, Text(row, f)); continue;
            }
            used += written;
        }
        return used;
    }

    /// <summary>The row as a <see cref="Row"/> (texts, boxed values, key, problems), for validation and payloads.</summary>
    public Row ToRow(int row)
    {
        var raw = new string?[_fieldCount];
        var values = new object?[_fieldCount];
        for (var f = 0; f < _fieldCount; f++)
        {
            if (IsNull(row, f)) continue;
            raw[f] = Text(row, f).ToString();
            if (Failed(row, f)) continue;
            values[f] = Schema.Fields[f].Kind switch
            {
                FieldKind.Integer => Integer(row, f),
                FieldKind.Number => Number(row, f),
                FieldKind.Date => Date(row, f),
                FieldKind.Flag => Flag(row, f),
                _ => raw[f],
            };
        }
        var result = new Row(Lines[row], raw, values, Key(row));
        foreach (var problem in _problems[row] ?? []) result.AddProblem(problem);
        return result;
    }

    private bool Failed(int row, int field)
    {
        if (_problems[row] is not { } problems) return false;
        foreach (var problem in problems)
        {
            if (problem.Rule == "conversion" && problem.Field == _fields[field].Name) return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Index(int field, int row) => field * Capacity + row;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Reserve(int chars)
    {
        if (_charsUsed + chars <= _chars.Length) return;
        Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charsUsed + chars));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Keep(int field, int start, int length)
    {
        var text = _chars.AsSpan(start, length);
        var cleaned = FieldConverter.Clean(_fields[field], text);
        var i = Index(field, Count);
        if (cleaned.IsEmpty)
        {
            _lengths[i] = -1;
            return;
        }
        // The cleaned value is a slice of the text (trimmed or not): where it starts in it.
        var offset = start + (int)(Unsafe.ByteOffset(ref MemoryMarshal.GetReference(text), ref MemoryMarshal.GetReference(cleaned)) / sizeof(char));
        _starts[i] = offset;
        _lengths[i] = cleaned.Length;
        _charsUsed = offset + cleaned.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Append(ref byte[] buffer, int used, byte value)
    {
        if (used == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2 + 64);
        buffer[used] = value;
        return used + 1;
    }

    /// <summary>Appends a text as UTF-8: narrowed at once when it is ASCII, as most keys and codes are (in about two thirds of the time).</summary>
    private static int AppendText(ref byte[] buffer, int used, ReadOnlySpan<char> text)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buffer.Length - used < needed) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + needed));
        var target = buffer.AsSpan(used);
        return used + (Ascii.FromUtf16(text, target, out var written) == OperationStatus.Done ? written : Encoding.UTF8.GetBytes(text, target));
    }
}
