using System.Globalization;
using System.Text.Json;

namespace Etl.Scheduling;

/// <summary>
/// When a pipeline last ran, from the trail every finished run leaves (<c>reports/&lt;run-id&gt;/summary.json</c>),
/// whoever started it: etl serve, an operator's <c>etl run</c>, or cron. A run killed before its summary does not
/// count, so the catch-up after a crash runs it again.
/// </summary>
internal static class RunHistory
{
    /// <summary>The start (UTC) of the newest finished run of <paramref name="pipeline"/>, or null if it never ran.</summary>
    public static DateTimeOffset? LastStart(string dataRoot, string pipeline)
    {
        var reports = Path.Combine(dataRoot, "reports");
        if (!Directory.Exists(reports)) return null;
        // Run ids start with their UTC start time (YYYYMMDDTHHMMSSZ-...), so name order is start order.
        foreach (var folder in Directory.GetDirectories(reports).OrderByDescending(Path.GetFileName, StringComparer.Ordinal))
        {
            var summary = Path.Combine(folder, "summary.json");
            if (!File.Exists(summary)) continue;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(summary));
                var root = document.RootElement;
                if (root.TryGetProperty("pipeline", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == pipeline
                    && root.TryGetProperty("started_at", out var started) && started.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(started.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startedAt))
                {
                    return startedAt.ToUniversalTime();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                // A summary being written or damaged says nothing about the schedule; look further back.
            }
        }
        return null;
    }
}
