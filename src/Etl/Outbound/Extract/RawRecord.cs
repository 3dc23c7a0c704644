namespace Etl.Outbound.Extract;

/// <summary>One record as read from a source: its physical line (0 when none) and its field texts in schema order.</summary>
public readonly record struct RawRecord(long Line, string?[] Texts);
