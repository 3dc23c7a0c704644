namespace Etl.Entities;

/// <summary>Keys compare as case-sensitive text; internally the key fields are joined with a unit separator.</summary>
public static class EntityKey
{
    /// <summary>The separator between key fields inside a key.</summary>
    public const char Separator = '\u001F';

    /// <summary>Builds the key of a record from its (trimmed) field texts.</summary>
    public static string Of(IReadOnlyList<string?> fields, int[] keyIndexes)
    {
        if (keyIndexes.Length == 1) return fields[keyIndexes[0]] ?? "";
        return string.Join(Separator, keyIndexes.Select(i => fields[i] ?? ""));
    }

    /// <summary>The key as people read it: fields joined with '|'.</summary>
    public static string Display(string key) => key.Replace(Separator, '|');

    /// <summary>The key's field values, in key order.</summary>
    public static string[] Parts(string key) => key.Split(Separator);
}
