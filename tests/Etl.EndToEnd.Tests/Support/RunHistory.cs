using Etl.State;

namespace Etl.EndToEnd.Tests.Support;

/// <summary>The runs of a data root that left reports (shared by the end-to-end, reliability and delivery suites).</summary>
internal static class RunHistory
{
    /// <summary>
    /// The run ids of the reports, in the order the runs started (from the run history: two runs can start within
    /// the second their ids are named after).
    /// </summary>
    public static List<string> RunIds(string dataRoot)
    {
        var reports = Path.Combine(dataRoot, "reports");
        if (!Directory.Exists(reports)) return [];
        using var state = StateStore.Open(dataRoot);
        var started = state.Runs(int.MaxValue).ToDictionary(r => r.RunId, r => r.StartedAt);
        return [.. Directory.GetDirectories(reports).Select(d => Path.GetFileName(d))
            .OrderBy(id => started.TryGetValue(id, out var at) ? at : DateTimeOffset.MaxValue).ThenBy(id => id, StringComparer.Ordinal)];
    }
}
