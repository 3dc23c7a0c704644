using System.Globalization;
using Cronos;
using Etl.Configuration;

namespace Etl.Scheduling;

/// <summary>
/// When a pipeline runs under <c>etl serve</c>: its <c>schedule</c> (cron) read in its <c>time_zone</c> (IANA; UTC when
/// absent), turned into instants in UTC by Cronos. Five fields are standard cron (minute hour day month weekday); six
/// fields put seconds first (<c>*/20 * * * * *</c>), meant for tests and demos. Across daylight-saving changes a
/// local time that does not exist (02:30 on a spring-forward night) fires at the first instant after the gap, and a
/// local time that exists twice (01:30 on a fall-back night) fires once, at its first occurrence; interval fields
/// (<c>*/15</c>) keep their rhythm in both hours of a fall-back night.
/// </summary>
internal sealed class PipelineSchedule
{
    private readonly CronExpression _cron;

    private PipelineSchedule(string expression, CronExpression cron, TimeZoneInfo zone)
    {
        Expression = expression;
        _cron = cron;
        TimeZone = zone;
    }

    /// <summary>The cron expression as written.</summary>
    public string Expression { get; }

    /// <summary>The zone the expression is read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The schedule of a pipeline, or null when it has none; a bad one is a <see cref="ConfigurationException"/>.</summary>
    public static PipelineSchedule? Of(PipelineDefinition pipeline, string? file = null)
    {
        if (pipeline.Schedule is null) return null;
        return Parse(pipeline.Schedule, pipeline.TimeZone, file ?? Path.GetRelativePath(Directory.GetCurrentDirectory(), pipeline.Path));
    }

    /// <summary>
    /// Reads a schedule; <paramref name="file"/> names the pipeline file in messages. Throws a
    /// <see cref="ConfigurationException"/> naming the file and the key for an expression that is not cron, one that
    /// never fires, or an unknown time zone.
    /// </summary>
    public static PipelineSchedule Parse(string expression, string? timeZone, string file)
    {
        var text = expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (1 or 5 or 6) || (fields == 1 && !text.StartsWith('@')))
        {
            throw new ConfigurationException($"{file}: schedule = '{expression}' is not a cron expression: it has {fields} field(s); write five " +
                "(minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\" for 02:00 daily) or six with seconds first (e.g. \"*/20 * * * * *\").");
        }
        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)), fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new ConfigurationException($"{file}: schedule = '{expression}' is not a cron expression: {e.Message.Replace("The given cron expression has an invalid format. ", "", StringComparison.Ordinal).TrimEnd('.')}.");
        }
        TimeZoneInfo zone;
        try
        {
            zone = timeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigurationException($"{file}: time_zone = '{timeZone}' is not a known IANA time zone (e.g. Europe/Berlin).");
        }
        var schedule = new PipelineSchedule(text, cron, zone);
        // Cronos looks ahead a few years at most; an expression such as "0 0 30 2 *" (30 February) never fires.
        if (schedule.NextAfter(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) is null)
        {
            throw new ConfigurationException($"{file}: schedule = '{expression}' never fires (no such date).");
        }
        return schedule;
    }

    /// <summary>The first occurrence strictly after <paramref name="instant"/>, in UTC; null if there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) =>
        _cron.GetNextOccurrence(instant.ToUniversalTime(), TimeZone, inclusive: false)?.ToUniversalTime();

    /// <summary>An instant as the schedule's local time with its offset, for log lines (e.g. 2026-03-08 03:00:00 -05:00 America/Chicago).</summary>
    public string Local(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) + " " + TimeZone.Id;

    /// <inheritdoc />
    public override string ToString() => $"'{Expression}' in {TimeZone.Id}";
}
