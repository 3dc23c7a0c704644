using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Etl.Benchmarks;

/// <summary>What one child process did: exit code, wall time, peak resident memory and its output.</summary>
internal sealed record ChildResult(int ExitCode, TimeSpan Wall, long PeakBytes, TimeSpan Cpu, DateTimeOffset StartedAt, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode} after {Wall.TotalSeconds:0.00} s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs a child process and measures it from the outside: wall time from just before <c>Process.Start</c> to its
/// exit (start-up of the runtime included), and peak resident memory as the kernel's high-water mark
/// <c>VmHWM</c> in <c>/proc/&lt;pid&gt;/status</c>, polled every 10 ms until the process is gone. VmHWM only ever
/// grows, so the last reading is the peak up to at most 10 ms before the exit. CPU time (user + system, from
/// <c>/proc/&lt;pid&gt;/stat</c>) is read with it: on a busy machine it moves less than the wall time.
/// </summary>
internal static class ChildProcess
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The full path of the <c>dotnet</c> host running this process (children start the same runtime).</summary>
    public static string DotnetHost { get; } = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    public static async Task<ChildResult> RunAsync(IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The child sees only the settings given here: none of the caller's ETL_* variables.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ETL_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        process.Start();
        var pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        long peak = 0, cpuTicks = 0;
        using var stopPolling = new CancellationTokenSource();
        var poller = Task.Factory.StartNew(() =>
        {
            while (!stopPolling.IsCancellationRequested)
            {
                if (ReadHighWaterMark(pid) is { } hwm && hwm > Volatile.Read(ref peak)) Volatile.Write(ref peak, hwm);
                if (ReadCpuTicks(pid) is { } ticks && ticks > Volatile.Read(ref cpuTicks)) Volatile.Write(ref cpuTicks, ticks);
                Thread.Sleep(PollInterval);
            }
        }, TaskCreationOptions.LongRunning);

        using var timeoutSource = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new BenchmarkFailedException($"{string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        finally
        {
            clock.Stop();
            await stopPolling.CancelAsync();
            await poller;
        }
        process.WaitForExit(); // drains the redirected output
        string Text(StringBuilder b) { lock (b) return b.ToString(); }
        return new ChildResult(process.ExitCode, clock.Elapsed, Volatile.Read(ref peak), TimeSpan.FromSeconds(Volatile.Read(ref cpuTicks) / ClockTicksPerSecond),
            startedAt, Text(stdout), Text(stderr));
    }

    /// <summary>USER_HZ, the unit of the times in /proc/&lt;pid&gt;/stat (100 on every Linux this runs on).</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>utime + stime of a process in clock ticks, or null when it is gone.</summary>
    private static long? ReadCpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>The load average over the last minute and the number of cores, for the record.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>VmHWM of a process in bytes, or null when it is gone (or a zombie, which has no memory lines).</summary>
    private static long? ReadHighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
