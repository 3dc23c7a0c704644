using System.Text;

namespace Etl.Cli;

/// <summary>Plain tables for the terminal; data never reaches it raw (control characters are shown escaped).</summary>
internal static class Terminal
{
    /// <summary>A value as it may be printed: control characters (escape sequences, line breaks) written as \uXXXX.</summary>
    public static string Safe(string? value)
    {
        if (value is null) return "";
        if (!value.Any(char.IsControl)) return value;
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value) text.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return text.ToString();
    }

    /// <summary>Writes rows under a header, each column as wide as its widest value.</summary>
    public static void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var cells = rows.Select(r => r.Select(Safe).ToArray()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in cells) Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }
}
