namespace Etl.Entities;

/// <summary>Turns the field texts of one record into a <see cref="Row"/>, noting conversion errors.</summary>
public static class RowFactory
{
    /// <summary>Cleans and converts the texts (in schema order) of one record.</summary>
    public static Row Create(EntitySchema schema, long line, string?[] texts)
    {
        var fields = schema.Fields;
        var values = new object?[fields.Count];
        for (var i = 0; i < fields.Count; i++) texts[i] = FieldConverter.Clean(fields[i], texts[i]);
        var row = new Row(line, texts, values, EntityKey.Of(texts, schema.KeyIndexes));
        for (var i = 0; i < fields.Count; i++)
        {
            if (FieldConverter.TryConvert(fields[i], texts[i], out var value, out var expected))
            {
                values[i] = value;
            }
            else
            {
                row.AddProblem(new RowProblem(fields[i].Name, texts[i], "conversion",
                    $"'{Shorten(texts[i])}' is not {expected}."));
            }
        }
        return row;
    }

    /// <summary>The canonical text of the row's portal fields, as the baseline stores it.</summary>
    public static string PortalValues(EntitySchema schema, Row row)
    {
        var indexes = schema.PortalIndexes;
        var parts = new string[indexes.Length];
        for (var i = 0; i < indexes.Length; i++) parts[i] = FieldConverter.Canonical(row.Values[indexes[i]]);
        return string.Join(EntityKey.Separator, parts);
    }

    private static string? Shorten(string? text) => text is { Length: > 60 } ? text[..57] + "..." : text;
}
