using Etl.Configuration;
using Etl.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Etl.Cli;

/// <summary>
/// Configuration and logging for a command, through Microsoft.Extensions.Hosting. Precedence, lowest first:
/// appsettings.json (current directory), the pipeline file, ETL_ environment variables, command-line flags.
/// </summary>
internal static class CliHost
{
    /// <summary>Builds the host of a command; a bad setting throws <see cref="ConfigurationException"/>.</summary>
    /// <param name="dataRoot">--data-root, when given.</param>
    /// <param name="pipeline">The pipeline whose settings sit between appsettings.json and the environment.</param>
    /// <param name="quiet">Log warnings and errors only (while progress bars show the rest).</param>
    public static (IHost Host, EtlSettings Settings) Build(string? dataRoot, PipelineDefinition? pipeline = null, bool quiet = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        var appsettings = Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json");
        if (File.Exists(appsettings))
        {
            try
            {
                using var _ = System.Text.Json.JsonDocument.Parse(File.ReadAllText(appsettings), new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new ConfigurationException($"appsettings.json: not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message.Split(" Path:", 2)[0]}");
            }
            builder.Configuration.AddJsonFile(appsettings, optional: true, reloadOnChange: false);
        }
        if (pipeline is not null) ((IConfigurationBuilder)builder.Configuration).Add(new NamedConfigurationSource(Path.GetRelativePath(Directory.GetCurrentDirectory(), pipeline.Path), pipeline.Settings));
        builder.Configuration.AddEnvironmentVariables(SettingsBinder.EnvironmentPrefix);
        if (dataRoot is not null)
        {
            ((IConfigurationBuilder)builder.Configuration).Add(new NamedConfigurationSource("the command line (--data-root)", new Dictionary<string, string?> { ["DataRoot"] = dataRoot }));
        }
        var settings = SettingsBinder.Bind((IConfigurationRoot)builder.Configuration);
        builder.Logging.ClearProviders();
        if (settings.Log.Format == "json")
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (quiet) builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        return (builder.Build(), settings);
    }

    /// <summary>Runs a command body, turning errors into the contract's exit codes and clear messages.</summary>
    public static async Task<int> ExecuteAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync("etl: " + e.Message);
            return ExitCodes.BadConfiguration;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("etl: cancelled.");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"etl: unexpected error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
