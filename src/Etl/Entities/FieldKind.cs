namespace Etl.Entities;

/// <summary>How a column is read from a drop, compared, stored and validated.</summary>
public enum FieldKind
{
    /// <summary>Text that identifies something (keys and codes): trimmed, at most 40 characters.</summary>
    Code,
    /// <summary>Free text (descriptions, names): kept as written, at most 200 characters.</summary>
    Text,
    /// <summary>A whole number (quantities), stored as INT64.</summary>
    Integer,
    /// <summary>A decimal number (money, percentages, weights), stored as DECIMAL(18,4).</summary>
    Number,
    /// <summary>A date written yyyy-MM-dd.</summary>
    Date,
    /// <summary>true/false/1/0/Y/N in any case.</summary>
    Flag,
}
