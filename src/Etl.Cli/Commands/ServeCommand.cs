using System.CommandLine;
using Etl.Configuration;
using Etl.Delivery;
using Etl.Runs;
using Etl.State;
using Etl.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Etl.Cli.Commands;

/// <summary>etl serve: runs the pipelines on their schedules and watches the outbox until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("serve", """
            Run every pipeline in pipelines/*.json that has a "schedule" at the local times of its cron expression (in its
            "time_zone", UTC when absent), and deliver the outbox as payloads appear (like etl upload --watch), until
            Ctrl+C or SIGTERM. One run at a time: a run that falls due while another runs, or while an etl run started by
            hand holds the data root, is deferred (the log says so) and starts when the data root is free. Runs missed
            while serve was down are made up by one run at start-up. On stop, a running run gets Serve:StopGrace
            (default 00:00:30) to finish before it is cancelled. Pipelines and settings are read at start-up: restart
            serve after changing them. Under systemd, use docs/etl.service (Type=notify).

            Schedules: five fields "minute hour day-of-month month day-of-week" ("0 2 * * *" is 02:00 daily,
            "*/15 6-20 * * 1-5" every 15 minutes from 06:00 to 20:45 on weekdays), or six with seconds first.

            Exit codes: 0 stopped by Ctrl+C or SIGTERM, 2 a pipeline, schedule, time zone or setting is invalid (named
            at start-up) or the portal refused the API key, 1 an unexpected error.

            Examples:
              etl serve
              etl serve --data-root /srv/etl
              ETL_Serve__LockRetry=00:05:00 etl serve
              systemctl start etl      (with docs/etl.service installed)
            """)
        {
            dataRoot,
        };
        // A synchronous action on purpose: System.CommandLine gives an asynchronous one two seconds after Ctrl+C or
        // SIGTERM before it returns 130, which would cut a run's grace short. Here the host's lifetime owns the signals.
        command.SetAction(result => CliHost.ExecuteAsync(() => ServeAsync(result.GetValue(dataRoot))).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> ServeAsync(string? dataRoot)
    {
        var folder = PipelineFolder();
        var pipelines = new List<(ScheduledPipeline Pipeline, EtlSettings Settings)>();
        var unscheduled = new List<string>();
        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var definition = PipelineLoader.Load(path);
            if (PipelineSchedule.Of(definition) is not { } schedule)
            {
                unscheduled.Add(definition.Name);
                continue;
            }
            // Each pipeline's own settings (batch size, guards) over appsettings.json, as etl run would bind them.
            var (_, pipelineSettings) = CliConfiguration.Load(dataRoot, definition);
            pipelines.Add((new ScheduledPipeline(definition, schedule), pipelineSettings));
        }
        if (pipelines.Count == 0)
        {
            throw new ConfigurationException($"no pipeline in {folder} has a \"schedule\"; add one (e.g. \"schedule\": \"0 2 * * *\", \"time_zone\": \"America/Chicago\") or use etl run.");
        }

        var (host, settings) = BuildHost(dataRoot);
        using var serveLock = ServeLock.TryAcquire(settings.DataRoot);
        if (serveLock is null)
        {
            host.Dispose();
            await Console.Error.WriteLineAsync($"etl: another etl serve already runs on the data root {Path.GetFullPath(settings.DataRoot)}; one is enough (a second would run every pipeline twice).");
            return ExitCodes.Locked;
        }
        DrainResult delivered;
        using (host)
        {
            var options = SchedulerOptions.Bind((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>());
            var clock = host.Services.GetRequiredService<TimeProvider>();
            var loggers = host.Services.GetRequiredService<ILoggerFactory>();
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var settingsOf = pipelines.ToDictionary(p => p.Pipeline.Name, p => p.Settings);
            var runLogger = loggers.CreateLogger("etl");
            var scheduler = new Scheduler(pipelines.Select(p => p.Pipeline),
                (definition, cancellationToken) => new RunEngine(settingsOf[definition.Name], clock, runLogger).RunAsync(definition, new RunRequest(), cancellationToken),
                name => RunHistory.LastStart(settings.DataRoot, name),
                options, clock, loggers.CreateLogger("etl.serve"));

            // The host's lifetime turns Ctrl+C and SIGTERM into ApplicationStopping.
            await host.StartAsync();
            var stopping = lifetime.ApplicationStopping;
            Console.WriteLine($"etl serve: {pipelines.Count} pipeline(s) from {folder} ({string.Join(", ", pipelines.Select(p => p.Pipeline.Name))})" +
                (unscheduled.Count > 0 ? $"; without a schedule: {string.Join(", ", unscheduled)}" : "") + $"; data root {Path.GetFullPath(settings.DataRoot)}.");
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watcher = OutboxWatcher.RunAsync(settings, clock, loggers.CreateLogger("etl.upload"), portal =>
            {
                Console.WriteLine($"etl serve: watching {Path.GetFullPath(Uploader.OutboxOf(settings.DataRoot))}, delivering to {portal}; Ctrl+C or SIGTERM stops.");
                ready.TrySetResult();
            }, stopping);
            // The portal must be reachable in principle (a valid URL, a sandbox that starts) before anything is scheduled.
            await Task.WhenAny(ready.Task, watcher);
            if (watcher.IsCompleted && !ready.Task.IsCompleted) await watcher;
            var schedule = scheduler.RunAsync(stopping);
            var notifier = new SystemdNotifier();
            if (notifier.IsEnabled) notifier.Notify(ServiceState.Ready);

            await Task.WhenAny(schedule, watcher);
            if (!stopping.IsCancellationRequested)
            {
                // The watcher ended on its own (a refused key) or something broke: stop the schedule too.
                lifetime.StopApplication();
            }
            if (notifier.IsEnabled) notifier.Notify(ServiceState.Stopping);
            await Task.WhenAll(Settle(schedule), Settle(watcher));
            await host.StopAsync(CancellationToken.None);

            await schedule;
            delivered = await watcher;
        }
        // Said once the host is disposed, which flushes the log: serve's last words come after its last log line.
        if (delivered.AuthFailed)
        {
            foreach (var notice in delivered.Notices) await Console.Error.WriteLineAsync("etl: " + notice);
            await Console.Error.WriteLineAsync("etl: serve stopped: the portal refused the API key (Portal:ApiKey). Fix it and start serve again.");
            return ExitCodes.BadConfiguration;
        }
        Console.WriteLine("etl serve: stopped.");
        return ExitCodes.Done;
    }

    /// <summary>
    /// The generic host of serve, for its lifetime (Ctrl+C and SIGTERM become ApplicationStopping): the settings and
    /// the log of every command (<see cref="CliConfiguration"/>).
    /// </summary>
    private static (IHost Host, EtlSettings Settings) BuildHost(string? dataRoot)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        CliConfiguration.AddSources(builder.Configuration, dataRoot, pipeline: null);
        var settings = SettingsBinder.Bind(builder.Configuration);
        CliConfiguration.ConfigureLogging(builder.Logging, settings.Log.Format, quiet: false);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        return (builder.Build(), settings);
    }

    /// <summary>pipelines/ in the current directory, else the one installed beside etl (as etl run resolves names).</summary>
    private static string PipelineFolder()
    {
        var here = Path.Combine(Directory.GetCurrentDirectory(), "pipelines");
        if (Directory.Exists(here)) return here;
        var installed = Path.Combine(AppContext.BaseDirectory, "pipelines");
        if (Directory.Exists(installed)) return installed;
        throw new ConfigurationException($"no pipelines folder: expected {here} with pipeline files that have a \"schedule\".");
    }

    private static async Task Settle(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Observed again by the caller, which maps it to an exit code.
        }
    }
}
