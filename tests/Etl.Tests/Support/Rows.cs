using System.Text.RegularExpressions;
using Etl.Entities;

namespace Etl.Tests.Support;

/// <summary>Builds rows from texts and lists what is wrong with them as "field:rule" (conversion, then validator rules).</summary>
internal static partial class Rows
{
    /// <summary>Expands "{x41}" to 41 times 'x'; any other text is returned as is.</summary>
    public static string? Expand(string? text)
    {
        if (text is null) return null;
        var m = Repeat().Match(text);
        return m.Success ? new string(m.Groups[1].Value[0], int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) : text;
    }

    public static Row Create(EntitySchema schema, params string?[] texts) =>
        RowFactory.Create(schema, 2, [.. texts.Select(Expand)]);

    /// <summary>Conversion problems and validator failures, as sorted "field:rule" joined with ", "; empty when valid.</summary>
    public static string Problems(EntitySchema schema, params string?[] texts)
    {
        var row = Create(schema, texts);
        var problems = (row.Problems ?? []).Select(p => $"{p.Field}:{p.Rule}")
            .Concat(schema.Validator.Validate(row).Errors.Select(e => $"{e.PropertyName}:{e.ErrorCode}"));
        return string.Join(", ", problems.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^\{(.)(\d+)\}$")]
    private static partial Regex Repeat();
}
