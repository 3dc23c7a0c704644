using System.Text;

namespace Etl.Reliability.Tests.Support;

/// <summary>A strict RFC 4180 reader for checking what the engine writes (quoted fields, doubled quotes, line breaks).</summary>
internal static class Rfc4180
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var atFieldStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException("unclosed quote");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                atFieldStart = false;
                if (i < text.Length && text[i] is not (',' or '\n' or '\r')) throw new FormatException($"text after closing quote at {i}");
                continue;
            }
            if (c == '"') throw new FormatException($"quote inside an unquoted field at {i}");
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                atFieldStart = true;
                i++;
                continue;
            }
            if (c is '\n' or '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                atFieldStart = true;
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                continue;
            }
            field.Append(c);
            atFieldStart = false;
            i++;
        }
        if (!atFieldStart || fields.Count > 0 || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }
        return records;
    }
}
