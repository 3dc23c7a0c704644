using System.Globalization;

namespace Etl.Inbound.Window;

/// <summary>
/// The span of portal update times one pull reads: in UTC on the engine's clock, and as the portal-local
/// query bounds (<c>updated_from &lt;= updated_at &lt; updated_to</c>, to the second, without offset).
/// Local clocks repeat an hour when they fall back and skip one when they spring forward; the local bounds are
/// widened to every local reading an instant of the window can have, so nothing is missed (re-reading is harmless).
/// </summary>
public sealed record PullWindow(DateTimeOffset FromUtc, DateTimeOffset ToUtc, DateTime LocalFrom, DateTime LocalTo)
{
    /// <summary>The local format of the portal API.</summary>
    public const string LocalFormat = "yyyy-MM-dd'T'HH:mm:ss";

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(30);

    /// <summary>The query value of <see cref="LocalFrom"/>.</summary>
    public string UpdatedFrom => LocalFrom.ToString(LocalFormat, CultureInfo.InvariantCulture);

    /// <summary>The query value of <see cref="LocalTo"/>.</summary>
    public string UpdatedTo => LocalTo.ToString(LocalFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The window of a run: from the checkpoint minus the lookback (or now minus the initial lookback on a first
    /// run, or <paramref name="since"/> when given) to now minus the settle lag.
    /// </summary>
    public static PullWindow For(DateTimeOffset now, DateTimeOffset? checkpoint, DateTimeOffset? since,
        TimeSpan lookback, TimeSpan settleLag, TimeSpan initialLookback, TimeZoneInfo portalZone)
    {
        var from = since ?? (checkpoint is { } c ? c - lookback : now - initialLookback);
        var to = now - settleLag;
        if (to < from) to = from;
        return Between(from, to, portalZone);
    }

    /// <summary>The local bounds covering every local reading of the instants in [from, to).</summary>
    public static PullWindow Between(DateTimeOffset fromUtc, DateTimeOffset toUtc, TimeZoneInfo zone)
    {
        var localFrom = Local(fromUtc, zone);
        var localTo = Local(toUtc, zone);
        foreach (var transition in Transitions(fromUtc, toUtc, zone))
        {
            // Around a change of offset the local clock jumps; the readings on both sides count.
            var before = Local(transition.AddSeconds(-1), zone).AddSeconds(1);
            var after = Local(transition, zone);
            if (after < localFrom) localFrom = after;
            if (before > localTo) localTo = before;
        }
        return new PullWindow(fromUtc, toUtc, Floor(localFrom), Ceiling(localTo));
    }

    private static DateTime Local(DateTimeOffset utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(utc, zone).DateTime;

    private static IEnumerable<DateTimeOffset> Transitions(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        for (var t = from; t < to; t += Step)
        {
            var next = t + Step < to ? t + Step : to;
            if (zone.GetUtcOffset(t) == zone.GetUtcOffset(next)) continue;
            // Binary search to the second for the first instant with the new offset.
            DateTimeOffset low = t, high = next;
            while (high - low > TimeSpan.FromSeconds(1))
            {
                var middle = low + (high - low) / 2;
                if (zone.GetUtcOffset(middle) == zone.GetUtcOffset(t)) low = middle;
                else high = middle;
            }
            yield return high;
        }
    }

    private static DateTime Floor(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Unspecified);

    private static DateTime Ceiling(DateTime time) =>
        time.Ticks % TimeSpan.TicksPerSecond == 0 ? DateTime.SpecifyKind(time, DateTimeKind.Unspecified) : Floor(time).AddSeconds(1);
}
