using System.Diagnostics;

namespace Etl.Testing;

/// <summary>
/// Named points where crash tests kill the process: when the environment variable ETL_TEST_CRASH_AT names the point,
/// the process kills itself there (as SIGKILL would), leaving whatever state that moment leaves. Where the variable
/// ETL_TEST_FAIL_AT names a write point, the write fails there as a full or broken disk would (tests run as root,
/// so permissions cannot make it fail).
/// </summary>
public static class CrashPoints
{
    /// <summary>The variable that names the point.</summary>
    public const string Variable = "ETL_TEST_CRASH_AT";

    /// <summary>The variable that names a write that fails.</summary>
    public const string FailVariable = "ETL_TEST_FAIL_AT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);
    private static readonly string? FailingWrite = Environment.GetEnvironmentVariable(FailVariable);

    /// <summary>Kills the process if this is the armed point.</summary>
    public static void Hit(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal)) Process.GetCurrentProcess().Kill();
    }

    /// <summary>Throws the IOException a failing disk would, if this is the armed write.</summary>
    public static void Write(string point)
    {
        if (FailingWrite is not null && string.Equals(FailingWrite, point, StringComparison.Ordinal))
        {
            throw new IOException($"No space left on device (simulated by {FailVariable}={point})");
        }
    }
}
