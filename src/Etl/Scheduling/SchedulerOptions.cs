using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Etl.Configuration;
using Microsoft.Extensions.Configuration;

namespace Etl.Scheduling;

/// <summary>
/// How <c>etl serve</c> behaves around its runs; the section <c>Serve</c> of the settings (appsettings.json,
/// <c>ETL_Serve__*</c>). Durations are written <c>[d.]hh:mm:ss</c>.
/// </summary>
internal sealed class SchedulerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Serve";

    /// <summary>
    /// How long a due run waits before trying again when another process (an <c>etl run</c> by hand) holds the data
    /// root's run lock. Default <c>00:01:00</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// On Ctrl+C or SIGTERM, how long a running run may go on to finish before it is cancelled (what it already
    /// published stays published; its next run does the rest). Default <c>00:00:30</c>; keep systemd's
    /// <c>TimeoutStopSec</c> well above it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads the section, naming the file or environment variable and the key of a bad value in a
    /// <see cref="ConfigurationException"/>, like every other setting.
    /// </summary>
    public static SchedulerOptions Bind(IConfigurationRoot configuration)
    {
        var options = new SchedulerOptions();
        options.LockRetry = Duration(configuration, nameof(LockRetry), options.LockRetry);
        options.StopGrace = Duration(configuration, nameof(StopGrace), options.StopGrace);
        var unknown = configuration.GetSection(Section).GetChildren().Select(c => c.Key)
            .Where(k => k is not (nameof(LockRetry) or nameof(StopGrace))).ToList();
        if (unknown.Count > 0)
        {
            var key = $"{Section}:{unknown[0]}";
            throw new ConfigurationException($"{SettingsBinder.Origin(configuration, key)}: unknown key {key} (known: {Section}:{nameof(LockRetry)}, {Section}:{nameof(StopGrace)}).");
        }
        return options;
    }

    private static TimeSpan Duration(IConfigurationRoot configuration, string name, TimeSpan fallback)
    {
        var key = $"{Section}:{name}";
        var text = configuration[key];
        if (text is null) return fallback;
        var range = typeof(SchedulerOptions).GetProperty(name)!.GetCustomAttributes(typeof(RangeAttribute), false).Cast<RangeAttribute>().Single();
        if (!TimeSpan.TryParseExact(text.Trim(), "c", CultureInfo.InvariantCulture, out var value) || !range.IsValid(value))
        {
            throw new ConfigurationException($"{SettingsBinder.Origin(configuration, key)}: {key} = '{text}' is not a duration between {range.Minimum} and {range.Maximum} written [d.]hh:mm:ss (e.g. 00:01:00).");
        }
        return value;
    }
}
