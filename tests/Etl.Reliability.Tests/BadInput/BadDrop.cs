using System.Text;

namespace Etl.Reliability.Tests.BadInput;

/// <summary>What the contract (CONTRACTS.md section 2) gives a drop.</summary>
public enum DropOutcome
{
    /// <summary>Read: exit 0, the valid records published, the invalid ones (if any) in the steward report.</summary>
    Read,

    /// <summary>The file fails: exit 3, moved to failed/ with &lt;name&gt;.error.txt, nothing published, no snapshot.</summary>
    FileFails,

    /// <summary>The entity stops (header but no rows): exit 3, moved to failed/ with the reason, nothing published.</summary>
    EntityStops,

    /// <summary>Still being written: left where it is for a later run, not failed, nothing published.</summary>
    LeftForLater,
}

/// <summary>A record the steward report must list: its physical line, field, value, rule, and what the message says was expected.</summary>
public sealed record InvalidRow(long Line, string Field, string Value, string Rule, string Expected);

/// <summary>One generated ERP drop of the bad-input corpus and the outcome the contract gives it.</summary>
public sealed record BadDrop(string Name, string Entity, byte[] Content, DropOutcome Outcome)
{
    /// <summary>The drop's file name.</summary>
    public string FileName { get; init; } = "export.csv";

    /// <summary>Whether the ERP has finished it (a .done marker beside it).</summary>
    public bool Settled { get; init; } = true;

    /// <summary>ETL_ variables for the run.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Data rows in the file (the summary's read count) when it is read.</summary>
    public int Rows { get; init; }

    /// <summary>When read: the records published (a JSON array, compared ignoring order).</summary>
    public string Published { get; init; } = "[]";

    /// <summary>When read: the rows of the steward report.</summary>
    public IReadOnlyList<InvalidRow> Invalid { get; init; } = [];

    /// <summary>When the file fails: the physical line the reason names (null: the whole file).</summary>
    public long? Line { get; init; }

    /// <summary>When the file fails: the column the reason names, where there is one.</summary>
    public string? Column { get; init; }

    /// <summary>Texts the reason must contain (case-insensitive): what was expected, what to do.</summary>
    public IReadOnlyList<string> Says { get; init; } = [];

    /// <summary>A known defect in the outcome: the outcome test is ignored with this reason.</summary>
    public string? OutcomeDefect { get; init; }

    /// <summary>A known defect in the message: the message test is ignored with this reason.</summary>
    public string? MessageDefect { get; init; }

    /// <summary>Whether the run leaves a message a steward reads (a reason or a steward report).</summary>
    public bool HasMessage => Outcome != DropOutcome.Read || Invalid.Count > 0;

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>UTF-8 text and raw bytes, concatenated.</summary>
    public static byte[] Bytes(params object[] parts)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts)
        {
            var bytes = part switch
            {
                string text => Encoding.UTF8.GetBytes(text),
                byte[] raw => raw,
                _ => throw new ArgumentException("text or bytes", nameof(parts)),
            };
            buffer.Write(bytes);
        }
        return buffer.ToArray();
    }
}
