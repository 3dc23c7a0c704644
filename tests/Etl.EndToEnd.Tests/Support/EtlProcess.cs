using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Etl.EndToEnd.Tests.Support;

/// <summary>
/// The real etl command started as a long-running child process (etl serve), the way systemd or an operator's
/// terminal runs it: its output as it comes, POSIX signals, and its exit. Killed on Dispose if still running.
/// </summary>
internal sealed class EtlProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private EtlProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>What it wrote to stdout so far.</summary>
    public string Stdout
    {
        get
        {
            lock (_stdout) return _stdout.ToString();
        }
    }

    /// <summary>What it wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>Starts etl (etl.dll beside the tests) with arguments in a working directory; ETL_ variables come only from <paramref name="environment"/>.</summary>
    public static EtlProcess Start(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var start = EtlCommand.StartInfo(workingDirectory, environment, args);
        var process = new Process { StartInfo = start };
        var result = new EtlProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(result._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(result._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until stdout or stderr contains <paramref name="text"/>; fails the test with the output after <paramref name="timeout"/> or if etl exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal) && !Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) Assert.Fail($"etl exited ({_process.ExitCode}) before printing '{text}'.\n{this}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"etl did not print '{text}' within {timeout.TotalSeconds:0} s.\n{this}");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends a signal by name (INT, TERM) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", name, Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -s {name} {Id}");
    }

    /// <summary>
    /// Whether the process ignores a signal from the start (Linux /proc/&lt;pid&gt;/status SigIgn): a child inherits an
    /// ignored SIGINT when the test runner is a background job of a non-interactive shell.
    /// </summary>
    public bool Ignores(int signal)
    {
        var line = File.ReadLines($"/proc/{Id}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
    }

    /// <summary>Waits for the exit and returns the exit code; fails the test (and kills etl) after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"etl did not exit within {timeout.TotalSeconds:0} s.\n{this}");
        }
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public override string ToString() => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited meanwhile.
        }
        _process.Dispose();
    }

    private void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }
}
