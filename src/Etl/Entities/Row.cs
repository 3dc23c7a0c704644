namespace Etl.Entities;

/// <summary>
/// One converted record of an entity. <see cref="Values"/> holds, per field of the schema, the typed value
/// (string, long, decimal, DateOnly or bool) or null when empty or not convertible.
/// </summary>
public sealed class Row
{
    internal Row(long line, string?[] raw, object?[] values, string key)
    {
        Line = line;
        Raw = raw;
        Values = values;
        Key = key;
    }

    /// <summary>The physical line of the record in its file (the header is line 1); 0 for SQL rows.</summary>
    public long Line { get; }

    /// <summary>The field texts as read (after trimming where the field is trimmed), in schema order.</summary>
    public string?[] Raw { get; }

    /// <summary>The typed values in schema order.</summary>
    public object?[] Values { get; }

    /// <summary>The key: the key fields joined with a unit separator.</summary>
    public string Key { get; }

    /// <summary>Problems found while reading (conversion errors, duplicates); null when none.</summary>
    public List<RowProblem>? Problems { get; private set; }

    /// <summary>Whether the row was found invalid in this run.</summary>
    public bool IsInvalid => Problems is { Count: > 0 };

    internal void AddProblem(RowProblem problem) => (Problems ??= []).Add(problem);

    /// <summary>The typed value of a field.</summary>
    public T? Get<T>(int index) where T : struct => Values[index] is T value ? value : null;

    /// <summary>The text value of a field.</summary>
    public string? Text(int index) => Values[index] as string;
}

/// <summary>Why a row is invalid: which field, its value, the rule and a message a steward can act on.</summary>
public sealed record RowProblem(string Field, string? Value, string Rule, string Message);
