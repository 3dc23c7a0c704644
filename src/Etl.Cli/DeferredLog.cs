using Microsoft.Extensions.Logging;

namespace Etl.Cli;

/// <summary>
/// Loggers of a log that is still being built on another thread (the console log takes a twentieth of a second at
/// start-up). Messages logged meanwhile wait, in order, and are written once it is built: a command never waits for its
/// log. (The first message of a run, "Run ... started", waited 25–35 ms for it on the way to the baseline load.)
/// </summary>
internal sealed class DeferredLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Task<ILoggerFactory> _factory;
    private readonly Task _written;
    private Queue<Action<ILoggerFactory>>? _waiting = [];

    /// <summary>Takes the log being built; a failure to build it is thrown by every message once it is known.</summary>
    public DeferredLog(Task<ILoggerFactory> factory)
    {
        _factory = factory;
        _written = factory.ContinueWith(_ => WriteWaiting(), TaskScheduler.Default);
    }

    /// <summary>A logger of a category.</summary>
    public ILogger CreateLogger(string category) => new Logger(this, category);

    /// <summary>Waits for the log, writes what waited for it and flushes it.</summary>
    public void Dispose()
    {
        _written.GetAwaiter().GetResult();
        _factory.GetAwaiter().GetResult().Dispose();
    }

    /// <summary>Writes a message now, or after the messages still waiting for the log.</summary>
    private void Write(Action<ILoggerFactory> write)
    {
        if (_factory.IsFaulted) _factory.GetAwaiter().GetResult();
        lock (_gate)
        {
            if (_waiting is not null)
            {
                _waiting.Enqueue(write);
                return;
            }
        }
        write(_factory.GetAwaiter().GetResult());
    }

    private void WriteWaiting()
    {
        var factory = _factory.IsCompletedSuccessfully ? _factory.Result : null;
        while (true)
        {
            Action<ILoggerFactory>? next;
            lock (_gate)
            {
                if (factory is null || !_waiting!.TryDequeue(out next))
                {
                    Volatile.Write(ref _waiting, null);
                    return;
                }
            }
            next(factory);
        }
    }

    private sealed class Logger(DeferredLog log, string category) : ILogger
    {
        private ILogger? _built;

        /// <summary>The built log's logger, once nothing waits for it any more.</summary>
        private ILogger? Built => _built ??= Volatile.Read(ref log._waiting) is null && log._factory.IsCompletedSuccessfully ? log._factory.Result.CreateLogger(category) : null;

        /// <summary>A scope holds for the messages written while it is open, so it waits for the log (no command begins one).</summary>
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            (Built ?? log._factory.GetAwaiter().GetResult().CreateLogger(category)).BeginScope(state);

        /// <summary>Until the log is built every level is taken; the log filters them when the message is written.</summary>
        public bool IsEnabled(LogLevel logLevel) => Built?.IsEnabled(logLevel) ?? true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Built is { } built) built.Log(logLevel, eventId, state, exception, formatter);
            else log.Write(factory => factory.CreateLogger(category).Log(logLevel, eventId, state, exception, formatter));
        }
    }
}
