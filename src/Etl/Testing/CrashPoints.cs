using System.Diagnostics;

namespace Etl.Testing;

/// <summary>
/// Named points where crash tests kill the process: when the environment variable ETL_TEST_CRASH_AT names the point,
/// the process kills itself there (as SIGKILL would), leaving whatever state that moment leaves.
/// </summary>
public static class CrashPoints
{
    /// <summary>The variable that names the point.</summary>
    public const string Variable = "ETL_TEST_CRASH_AT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Kills the process if this is the armed point.</summary>
    public static void Hit(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal)) Process.GetCurrentProcess().Kill();
    }
}
