using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Etl.PortalSandbox.Api;
using Etl.PortalSandbox.Control;
using Etl.PortalSandbox.Faults;
using Etl.PortalSandbox.Http;
using Etl.PortalSandbox.Storage;
using Etl.PortalSandbox.Time;

namespace Etl.PortalSandbox;

/// <summary>
/// The sandbox portal: an in-process HTTP server implementing the portal API and its control
/// calls (CONTRACTS.md section 4), with its state in a SQLite file.
/// </summary>
public sealed class PortalSandbox : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SandboxStore store;
    private int disposed;

    private PortalSandbox(WebApplication app, SandboxStore store, Uri baseAddress, string stateFile)
    {
        this.app = app;
        this.store = store;
        BaseAddress = baseAddress;
        StateFile = stateFile;
    }

    /// <summary>The address actually bound (the first one when several), e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The full path of the state file.</summary>
    public string StateFile { get; }

    /// <summary>
    /// Opens (or creates) the state file and starts listening; returns once the sandbox answers.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (empty key or state file, unknown time zone).</exception>
    /// <exception cref="IOException">The address could not be bound (e.g. the port is in use).</exception>
    public static async Task<PortalSandbox> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.StateFile))
        {
            throw new ArgumentException("StateFile is required.", nameof(options));
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            throw new ArgumentException("ApiKey must not be empty.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Urls))
        {
            throw new ArgumentException("Urls must not be empty.", nameof(options));
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"TimeZone '{options.TimeZone}' is not a known IANA time zone.", nameof(options), ex);
        }

        var stateFile = Path.GetFullPath(options.StateFile);
        var clock = new SandboxClock(zone);
        var store = await SandboxStore.OpenAsync(stateFile, clock, ct);
        WebApplication? app = null;
        try
        {
            app = Build(options, store, clock);
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The sandbox started without an address.");
            return new PortalSandbox(app, store, new Uri(address), stateFile);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="ct"/> is cancelled or the host stops, then stops the sandbox.
    /// Returns normally in both cases.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (ct.Register(() => done.TrySetResult()))
        await using (stopping.Register(() => done.TrySetResult()))
        {
            await done.Task;
        }

        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>Stops listening and closes the state file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await app.DisposeAsync();
            await store.DisposeAsync();
        }
    }

    private static WebApplication Build(SandboxOptions options, SandboxStore store, SandboxClock clock)
    {
        // The empty builder reads no appsettings.json, environment or command line: the sandbox is
        // configured by its options alone, wherever it is hosted.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(PortalSandbox).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().UseUrls(options.Urls);
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        // The host of the sandbox (a CLI command, a test) owns Ctrl+C and the console.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Etl.PortalSandbox");
        var counter = new RequestCounter();
        var faults = new FaultState(TimeProvider.System);
        var apiKey = new ApiKeyCheck(options.ApiKey);
        var injection = new FaultInjection(faults);
        var errors = new ErrorHandling(logger);

        app.UseRouting();
        app.Use(counter.InvokeAsync);
        app.Use(apiKey.InvokeAsync);
        app.Use(injection.InvokeAsync);
        app.Use(errors.InvokeAsync);

        var orders = new OrdersApi(store);
        var imports = new ImportsApi(store);
        var data = new DataApi(store);
        var control = new ControlApi(store, faults, clock, counter);
        app.MapGet(Routes.Orders, orders.ListAsync);
        app.MapGet(Routes.Order, orders.GetAsync);
        app.MapPut(Routes.ErpReference, orders.SetErpReferenceAsync);
        app.MapPost(Routes.Imports, imports.ImportAsync);
        app.MapGet(Routes.Data, data.GetAsync);
        app.MapPost(Routes.SandboxOrders, control.SeedOrdersAsync);
        app.MapPost(Routes.SandboxFaults, control.SetFaultsAsync);
        app.MapPost(Routes.SandboxClock, control.SetClockAsync);
        app.MapPost(Routes.SandboxReset, control.ResetAsync);
        app.MapGet(Routes.SandboxRequests, control.GetRequestsAsync);
        return app;
    }

    /// <summary>A lifetime that hooks no console signals.</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
