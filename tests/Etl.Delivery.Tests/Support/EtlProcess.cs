using System.Diagnostics;
using System.Text;

namespace Etl.Delivery.Tests.Support;

/// <summary>Runs the real etl command (etl.dll beside the tests) as a child process, the way an operator does.</summary>
internal static class EtlProcess
{
    /// <summary>The repository root (where Etl.sln, appsettings.json and pipelines/ are): the working directory.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Runs etl to its end (at most 2 minutes).</summary>
    public static EtlResult Run(IDictionary<string, string>? environment, params string[] args)
    {
        using var running = Start(environment, args);
        if (!running.Process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            running.Kill();
            Assert.Fail($"etl {string.Join(' ', args)} did not finish within 2 minutes\n{running.Output}");
        }
        running.Process.WaitForExit(); // flushes the output readers
        return new EtlResult(running.Process.ExitCode, running.Stdout, running.Stderr);
    }

    /// <summary>Starts etl in the background (etl upload --watch, etl sandbox); kill it with <see cref="RunningEtl.Kill"/>.</summary>
    public static RunningEtl Start(IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "etl.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ETL_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        return new RunningEtl(Process.Start(start)!, args);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Etl.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Etl.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>An etl process running in the background, its output collected as it comes.</summary>
internal sealed class RunningEtl : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string[] _args;

    public RunningEtl(Process process, string[] args)
    {
        Process = process;
        _args = args;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public string Output => $"etl {string.Join(' ', _args)}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    /// <summary>Waits until stdout has a line containing <paramref name="text"/>; returns that line.</summary>
    public string WaitForLine(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = Stdout.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null) return line.TrimEnd('\r');
            if (Process.HasExited) break;
            Thread.Sleep(50);
        }
        Assert.Fail($"no line with '{text}' within {timeout}\n{Output}");
        return "";
    }

    public void Kill()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }
}

/// <summary>What a run of etl printed and returned.</summary>
internal sealed record EtlResult(int ExitCode, string Stdout, string Stderr)
{
    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
