using System.Globalization;

namespace Etl.PortalSandbox.Time;

/// <summary>Local portal times as the API writes them: <c>yyyy-MM-ddTHH:mm:ss</c>, no offset.</summary>
internal static class PortalTime
{
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss";

    public static bool TryParse(string? text, out DateTime local)
    {
        local = default;
        return text is { Length: 19 }
            && DateTime.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out local);
    }

    public static string Format(DateTime local) => local.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Re-formats a valid time so that text comparison equals time comparison.</summary>
    public static string? Normalize(string? text) => TryParse(text, out var local) ? Format(local) : null;
}
