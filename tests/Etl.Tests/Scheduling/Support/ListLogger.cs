using Microsoft.Extensions.Logging;

namespace Etl.Tests.Scheduling.Support;

/// <summary>A logger that keeps every line (level and message), safe to read while another thread writes.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> _lines = [];

    /// <summary>The lines so far, as "level: message".</summary>
    public List<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    /// <summary>Every line, one per row, for assertion messages.</summary>
    public override string ToString() => string.Join('\n', Lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
