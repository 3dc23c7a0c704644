using System.Globalization;

namespace Etl.Benchmarks;

/// <summary>Where the programs the benchmark starts live: etl.dll (built beside it), itself, the repository root.</summary>
internal sealed record Tools(string EtlDll, string BenchmarkDll, string RepositoryRoot, bool DebugBuild)
{
    public static Tools Locate()
    {
        var etl = Path.Combine(AppContext.BaseDirectory, "etl.dll");
        if (!File.Exists(etl)) throw new BenchmarkFailedException($"etl.dll not found beside the benchmark in {AppContext.BaseDirectory}");
        var self = typeof(Tools).Assembly.Location;
        // etl runs in the repository root, as the README's commands do: appsettings.json and pipelines/ from there.
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Etl.sln"))) { root = dir.FullName; break; }
        }
#if DEBUG
        const bool debug = true;
#else
        const bool debug = false;
#endif
        return new Tools(etl, self, root, debug);
    }
}

/// <summary>Console output and number formats.</summary>
internal static class Report
{
    public static void Line(string text) => Console.WriteLine(text);

    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture) + " MiB";

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string Rate(long count, TimeSpan time) => (count / time.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);
}
