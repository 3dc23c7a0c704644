using Etl.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Etl.Cli;

/// <summary>
/// Where a command's settings come from and how it logs; shared by the commands (<see cref="CliHost"/>) and by the
/// generic host of etl serve. Precedence, lowest first: appsettings.json (current directory), the pipeline file,
/// ETL_ environment variables, command-line flags.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>Reads and checks the settings; a bad setting throws <see cref="ConfigurationException"/>.</summary>
    /// <param name="dataRoot">--data-root, when given.</param>
    /// <param name="pipeline">The pipeline whose settings sit between appsettings.json and the environment.</param>
    public static (IConfigurationRoot Configuration, EtlSettings Settings) Load(string? dataRoot, PipelineDefinition? pipeline = null)
    {
        var configuration = AddSources(new ConfigurationBuilder(), dataRoot, pipeline).Build();
        return (configuration, SettingsBinder.Bind(configuration));
    }

    /// <summary>Adds the sources of the settings, in order of precedence, to <paramref name="builder"/>.</summary>
    public static IConfigurationBuilder AddSources(IConfigurationBuilder builder, string? dataRoot, PipelineDefinition? pipeline)
    {
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
            builder.AddJsonFile(appsettings, optional: true, reloadOnChange: false);
        }
        if (pipeline is not null) builder.Add(new NamedConfigurationSource(Path.GetRelativePath(Directory.GetCurrentDirectory(), pipeline.Path), pipeline.Settings));
        builder.AddEnvironmentVariables(SettingsBinder.EnvironmentPrefix);
        if (dataRoot is not null)
        {
            builder.Add(new NamedConfigurationSource("the command line (--data-root)", new Dictionary<string, string?> { ["DataRoot"] = dataRoot }));
        }
        return builder;
    }

    /// <summary>The console log: one line per event (Log:Format plain) or one JSON object per line (json), UTC times.</summary>
    /// <param name="logging">The logging to set up.</param>
    /// <param name="format">Log:Format.</param>
    /// <param name="quiet">Log warnings and errors only (while progress bars show the rest).</param>
    public static void ConfigureLogging(ILoggingBuilder logging, string format, bool quiet)
    {
        logging.ClearProviders();
        if (format == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
        logging.AddFilter("Microsoft", LogLevel.Warning);
        if (quiet) logging.SetMinimumLevel(LogLevel.Warning);
    }
}
