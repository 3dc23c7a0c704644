namespace Etl.Outbound.Extract;

/// <summary>A drop (or query result) that cannot be read as a whole; the message names the line and column.</summary>
public sealed class DropFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DropFileException(string file, long line, string? column, string problem)
        : base(Describe(file, line, column, problem))
    {
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The physical line (the header is line 1), or 0 when the problem concerns the whole file.</summary>
    public long Line { get; }

    /// <summary>The column, when the problem is in one.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    private static string Describe(string file, long line, string? column, string problem)
    {
        var where = line > 0 ? $"{file}, line {line}" : file;
        if (column is not null) where += $", column {column}";
        return $"{where}: {problem}";
    }
}
