using Etl.Benchmarks;

// The benchmark harness of issue 6 (see README "Benchmarks"): a console, never run by CI.
//   outbound [--rows N] [--rounds R] [--work-dir DIR] [--duckdb-compression snappy|zstd] [--etl-env NAME=VALUE]... [--keep]
//   inbound  [--orders N] [--rounds R] [--work-dir DIR] [--etl-env NAME=VALUE]... [--keep]
// Hidden: duckdb-worker snapshot|diff ... (the DuckDB side, started by "outbound" as a child process).
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.WriteLine(Help.Usage);
        return args.Length == 0 ? 2 : 0;
    }

    var options = Options.Parse(args.Skip(1));
    return args[0] switch
    {
        "outbound" => await OutboundBenchmark.RunAsync(options),
        "inbound" => await InboundBenchmark.RunAsync(options),
        "duckdb-worker" => DuckDbWorker.Run(options),
        _ => throw new UsageException($"unknown command '{args[0]}'."),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"Etl.Benchmarks: {e.Message}\n\n{Help.Usage}");
    return 2;
}
catch (BenchmarkFailedException e)
{
    await Console.Error.WriteLineAsync($"Etl.Benchmarks: FAILED: {e.Message}");
    return 1;
}

internal static class Help
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/Etl.Benchmarks -- <command> [options]

          outbound [--rows N] [--rounds R] [--work-dir DIR] [--duckdb-compression snappy|zstd] [--etl-env NAME=VALUE]... [--keep]
              An ERP inventory drop of N rows (default 1000000) and its next day (5% changed, 1% removed, 1% added,
              8 invalid); per round (default 3) a baseline and a timed `etl run intraday --only inventory --no-upload`,
              alternating with DuckDB doing the same job; each side in its own child process. Work dir default:
              <temp>/etl-bench-outbound-<N>. --etl-env sets a variable for the etl child only (e.g. DOTNET_gcServer=1).

          inbound [--orders N] [--rounds R] [--work-dir DIR] [--etl-env NAME=VALUE]... [--keep]
              N approved portal orders (default 10000) in the in-process sandbox, imported into the embedded ERP by
              `etl run <pipeline with "orders": true>`; orders/s, and a check that each was created once and linked.
        """;
}
