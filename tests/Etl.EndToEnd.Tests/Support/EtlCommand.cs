using System.Diagnostics;

namespace Etl.EndToEnd.Tests.Support;

/// <summary>Runs the real etl command (etl.dll beside the tests) as a child process, the way an operator does.</summary>
internal static class EtlCommand
{
    /// <summary>The repository root (where Etl.sln is).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Runs etl with arguments in a working directory; environment variables are added to the child's.</summary>
    public static EtlResult Run(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var start = StartInfo(workingDirectory, environment, args);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"etl {string.Join(' ', args)} did not finish within 2 minutes");
        }
        return new EtlResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>How etl is started: etl.dll beside the tests, output redirected; ETL_ variables come only from <paramref name="environment"/>.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "etl.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ETL_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        return start;
    }

    /// <summary>Runs etl with the repository root as working directory (pipelines/, sample-data/, appsettings.json).</summary>
    public static EtlResult Run(params string[] args) => Run(RepositoryRoot, null, args);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Etl.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Etl.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>What a run of etl printed and returned.</summary>
internal sealed record EtlResult(int ExitCode, string Stdout, string Stderr)
{
    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
