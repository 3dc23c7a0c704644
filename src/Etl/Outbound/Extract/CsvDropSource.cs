using System.Text.Unicode;
using CsvHelper;
using Etl.Entities;
using Etl.Outbound.Columns;

namespace Etl.Outbound.Extract;

/// <summary>
/// Reads an ERP drop by the contract's rules: UTF-8 (BOM tolerated), comma separated, RFC 4180 quoting with a
/// bare quote inside an unquoted field taken literally, header matched ignoring case and blanks, blank lines skipped.
/// Anything else that breaks the file (bad quoting, ragged rows, bad bytes, missing or repeated columns) throws
/// <see cref="DropFileException"/> naming the line and column.
/// </summary>
public sealed class CsvDropSource(EntitySchema schema, string path) : IRowSource
{
    /// <inheritdoc />
    public string Name { get; } = System.IO.Path.GetFileName(path);

    /// <summary>The full path of the drop.</summary>
    public string Path => path;

    /// <inheritdoc />
    public DateTimeOffset AsOf { get; } = TruncateToSecond(File.GetLastWriteTimeUtc(path));

    /// <inheritdoc />
    public long Length => new FileInfo(path).Length;

    /// <inheritdoc />
    public IEnumerable<RowChunk> Read(RowChunkPool pool, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).Length == 0) throw new DropFileException(Name, 0, null, "the file is empty (0 bytes); expected a header row.");
        CsvMalformedRecord? malformed = null;
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            DetectSeparatorHint = false,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.Throw,
            OnMalformedRecord = record =>
            {
                // A quote inside an unquoted field is literal text (12" pipe); any other quoting problem breaks the file.
                if (record.Reason != CsvMalformedReason.StrayQuote) malformed ??= record;
            },
        };
        using var reader = CsvReader.FromFile(path, options);
        var columns = MapHeader(reader);
        var headers = reader.Headers;
        var chunk = pool.Rent();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool hasRecord;
            try
            {
                hasRecord = reader.Read();
            }
            catch (CsvFormatException e)
            {
                throw new DropFileException(Name, e.LineNumber, null, Explain(e));
            }
            if (malformed is { } bad)
            {
                var column = hasRecord ? ColumnAt(reader, headers, bad.ByteOffset - reader.ByteOffset) : null;
                throw new DropFileException(Name, bad.LineNumber, column, Explain(bad.Reason));
            }
            if (!hasRecord) break;
            if (reader.FieldCount != headers.Count)
            {
                if (reader.FieldCount == 1 && reader.RawRecord.Trim(" \t"u8).IsEmpty) continue; // a line of blanks is a blank line
                throw new DropFileException(Name, reader.LineNumber, reader.FieldCount < headers.Count ? headers[reader.FieldCount].Trim() : null,
                    reader.FieldCount < headers.Count
                        ? $"the row has {reader.FieldCount} fields but the header has {headers.Count}; this column and the ones after it are missing. Look for a missing comma, or a quote that is never closed."
                        : $"the row has {reader.FieldCount} fields but the header has {headers.Count}. Look for a stray comma, or a value with a comma that is not quoted.");
            }
            if (!Utf8.IsValid(reader.RawRecord))
            {
                throw new DropFileException(Name, reader.LineNumber, FindBadColumn(reader, columns),
                    "the bytes are not valid UTF-8; export the file as UTF-8.");
            }
            chunk.BeginRow(reader.LineNumber);
            for (var f = 0; f < columns.Length; f++) chunk.SetUtf8(f, reader.GetSpan(columns[f]));
            chunk.EndRow();
            if (!chunk.IsFull) continue;
            chunk.SourcePosition = reader.ByteOffset;
            yield return chunk;
            chunk = pool.Rent();
        }
        chunk.SourcePosition = Length;
        if (chunk.Count > 0) yield return chunk;
        else pool.Return(chunk);
    }

    private int[] MapHeader(CsvReader reader)
    {
        IReadOnlyList<string> headers;
        try
        {
            reader.ReadHeader();
            headers = reader.Headers;
        }
        catch (CsvFormatException e)
        {
            throw new DropFileException(Name, 1, null, Explain(e));
        }
        if (malformedHeader(reader)) throw new DropFileException(Name, 1, null, "the header row is not valid UTF-8.");
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
        {
            throw new DropFileException(Name, 1, null, "no header row; expected the columns " + string.Join(", ", schema.Fields.Select(f => f.Name)) + ".");
        }
        var map = new int[schema.Fields.Count];
        for (var f = 0; f < map.Length; f++)
        {
            var name = schema.Fields[f].Name;
            var found = Enumerable.Range(0, headers.Count)
                .Where(i => string.Equals(headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (found.Count == 0 && headers.Count == 1 && headers[0].IndexOfAny([';', '\t', '|']) >= 0)
            {
                throw new DropFileException(Name, 1, name, $"the header is one column, '{headers[0].Trim()}': the file is not comma separated. Export it with commas as separators.");
            }
            if (found.Count == 0)
            {
                throw new DropFileException(Name, 1, name, $"the required column '{name}' is missing; the header has: {string.Join(", ", headers.Select(h => h.Trim()))}.");
            }
            if (found.Count > 1)
            {
                throw new DropFileException(Name, 1, name, $"the column '{name}' appears {found.Count} times (positions {string.Join(", ", found.Select(i => i + 1))}).");
            }
            map[f] = found[0];
        }
        return map;

        static bool malformedHeader(CsvReader r) => r.Headers.Any(h => h.Contains('\uFFFD', StringComparison.Ordinal));
    }

    /// <summary>The header name of the field that holds a byte offset of the current record (quotes respected).</summary>
    private static string? ColumnAt(CsvReader reader, IReadOnlyList<string> headers, long offset)
    {
        var raw = reader.RawRecord;
        if (offset < 0 || offset > raw.Length) return null;
        var field = 0;
        var quoted = false;
        for (var i = 0; i < offset; i++)
        {
            if (raw[i] == (byte)'"') quoted = !quoted;
            else if (raw[i] == (byte)',' && !quoted) field++;
        }
        return field < headers.Count ? headers[field].Trim() : null;
    }

    private string? FindBadColumn(CsvReader reader, int[] columns)
    {
        for (var i = 0; i < columns.Length; i++)
        {
            if (!Utf8.IsValid(reader.GetRawSpan(columns[i]))) return schema.Fields[i].Name;
        }
        return null;
    }

    private static string Explain(CsvFormatException e) =>
        $"{e.Message} Look for a stray comma, or a quote that is never closed on this line or the ones after it.";

    private static string Explain(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed (an opening quote without its closing quote).",
        CsvMalformedReason.TextAfterClosingQuote => "text follows the closing quote of a quoted field (a quote inside a quoted field must be doubled).",
        CsvMalformedReason.FieldCountMismatch => "the row has a different number of fields than the header (a stray separator or a missing quote?).",
        _ => $"malformed quoting ({reason}).",
    };

    private static DateTimeOffset TruncateToSecond(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
