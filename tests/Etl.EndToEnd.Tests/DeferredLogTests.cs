using Etl.Cli;
using Microsoft.Extensions.Logging;

namespace Etl.EndToEnd.Tests;

/// <summary>The console log built on another thread while a command starts: nothing logged meanwhile waits for it or is lost.</summary>
[TestFixture]
public sealed class DeferredLogTests
{
    [Test]
    public void Log_WhileTheLogIsBeingBuilt_ReturnsAtOnceAndIsWrittenInOrderOnceBuilt()
    {
        var building = new TaskCompletionSource<ILoggerFactory>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new DeferredLog(building.Task);
        var run = log.CreateLogger("etl");
        var upload = log.CreateLogger("etl.upload");

        var logged = Task.Run(() =>
        {
            run.LogInformation("Run {RunId} started", "r1");
            upload.LogWarning("outbox: {Count} waiting", 3);
            run.LogInformation("inventory: read {Read}", 10);
        });
        Assert.That(logged.Wait(TimeSpan.FromSeconds(10)), Is.True, "logging waited for the log to be built");

        var written = new List<string>();
        building.SetResult(LoggerFactory.Create(logging => logging.AddProvider(new Capture(written))));
        run.LogInformation("Run {RunId} finished", "r1");
        log.Dispose();

        Assert.That(written, Is.EqualTo(new[]
        {
            "Information etl: Run r1 started",
            "Warning etl.upload: outbox: 3 waiting",
            "Information etl: inventory: read 10",
            "Information etl: Run r1 finished",
        }));
    }

    [Test]
    public void Log_AfterTheLogFailedToBuild_ThrowsItsError()
    {
        var log = new DeferredLog(Task.FromException<ILoggerFactory>(new InvalidOperationException("no console")));
        var logger = log.CreateLogger("etl");

        Assert.That(() => logger.LogInformation("Run started"), Throws.InvalidOperationException.With.Message.EqualTo("no console"));
    }

    private sealed class Capture(List<string> written) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(written, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(List<string> written, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (written) written.Add($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
