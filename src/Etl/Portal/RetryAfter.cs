using System.Globalization;

namespace Etl.PortalApi;

/// <summary>
/// The <c>Retry-After</c> header in both of its forms (RFC 9110 10.2.3): delay-seconds, or an HTTP date (IMF-fixdate,
/// and the obsolete RFC 850 and asctime forms a server may still send). What a server asks for is clamped.
/// </summary>
internal static class RetryAfter
{
    private static readonly string[] HttpDateFormats =
    [
        "r",                                  // Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",     // Sunday, 06-Nov-94 08:49:37 GMT
        "ddd MMM d HH:mm:ss yyyy",            // Sun Nov  6 08:49:37 1994
    ];

    /// <summary>
    /// The wait a header value asks for, measured from <paramref name="now"/>: a date in the past is zero;
    /// null when the value is neither form.
    /// </summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        if (text.All(char.IsAsciiDigit))
        {
            // A huge number of seconds is still a wait: it is clamped, not refused.
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= (long)TimeSpan.MaxValue.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.MaxValue;
        }
        var collapsed = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (DateTimeOffset.TryParseExact(collapsed, HttpDateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>
    /// The delay before the next attempt when a server asked for <paramref name="asked"/>: that wait plus a little
    /// jitter (up to 10 %, at least 50 ms, at most 1 s; <paramref name="random"/> in [0, 1)) so that clients told the
    /// same time do not retry in lockstep, clamped to <paramref name="max"/> (Portal:MaxRetryDelay).
    /// </summary>
    public static TimeSpan Delay(TimeSpan asked, TimeSpan max, double random)
    {
        var clamped = Clamp(asked, max);
        var spread = Math.Min(1000, 50 + (clamped.TotalMilliseconds * 0.1));
        return Clamp(clamped + TimeSpan.FromMilliseconds(spread * random), max);
    }

    /// <summary>Clamps a wait to [0, <paramref name="max"/>].</summary>
    public static TimeSpan Clamp(TimeSpan wait, TimeSpan max) =>
        wait < TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait;
}
