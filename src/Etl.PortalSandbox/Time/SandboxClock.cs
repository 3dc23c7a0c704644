using System.Globalization;

namespace Etl.PortalSandbox.Time;

/// <summary>
/// The sandbox's clock: the system clock, unless <c>POST /sandbox/clock</c> froze it at an instant.
/// It stamps times in the portal's time zone.
/// </summary>
internal sealed class SandboxClock(TimeZoneInfo zone) : TimeProvider
{
    private readonly Lock gate = new();
    private DateTimeOffset? frozenAt;

    public TimeZoneInfo Zone => zone;

    public override TimeZoneInfo LocalTimeZone => zone;

    public bool IsFrozen
    {
        get { lock (gate) { return frozenAt is not null; } }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return frozenAt ?? System.GetUtcNow();
        }
    }

    /// <summary>Now, as a local portal time to the second.</summary>
    public string LocalNowText() => PortalTime.Format(TimeZoneInfo.ConvertTime(GetUtcNow(), zone).DateTime);

    public void Freeze(DateTimeOffset instant)
    {
        lock (gate) { frozenAt = instant.ToUniversalTime(); }
    }

    public void Release()
    {
        lock (gate) { frozenAt = null; }
    }

    /// <summary>
    /// The instant a clock setting names: a local portal time (<c>yyyy-MM-ddTHH:mm:ss</c>) or,
    /// to pick one reading of a repeated local time, a time with an offset or <c>Z</c>.
    /// A local time repeated when clocks fall back is taken at its first (earlier) reading;
    /// one skipped when they spring forward does not exist and is refused.
    /// </summary>
    public bool TryResolve(string text, out DateTimeOffset instant, out string error)
    {
        instant = default;
        error = "";
        if (PortalTime.TryParse(text, out var local))
        {
            if (zone.IsInvalidTime(local))
            {
                error = $"'{text}' does not exist in {zone.Id} (clocks spring forward over it).";
                return false;
            }

            var offset = zone.IsAmbiguousTime(local)
                ? zone.GetAmbiguousTimeOffsets(local).Max()
                : zone.GetUtcOffset(local);
            instant = new DateTimeOffset(local, offset);
            return true;
        }

        string[] withOffset = ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss'Z'"];
        if (DateTimeOffset.TryParseExact(text, withOffset, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out instant))
        {
            return true;
        }

        error = $"'{text}' is not a local portal time (yyyy-MM-ddTHH:mm:ss).";
        return false;
    }
}
