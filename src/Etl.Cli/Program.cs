using System.CommandLine;
using Etl.Cli.Commands;
using Etl.Runs;

var root = new RootCommand("""
    etl: keeps a customer portal in step with the ERP. Outbound, ERP drops and queries become validated change sets
    in a watched outbox; inbound, approved portal orders reach the ERP exactly once.

    Exit codes: 0 done, 1 failed, 2 bad usage or configuration, 3 done with some entities, orders or deliveries
    failed (the summary says which), 4 another run holds the data root.
    """)
{
    RunCommand.Create(),
    DemoCommand.Create(),
    ReviewCommand.Create(),
    RunsCommand.Create(),
    SnapshotsCommand.Create(),
    TraceCommand.Create(),
    OrdersCommand.Create(),
    UploadCommand.Create(),
    ReconcileCommand.Create(),
    PruneCommand.Create(),
    ServeCommand.Create(),
    SandboxCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync("etl: " + error.Message);
    await Console.Error.WriteLineAsync("Run 'etl --help' or 'etl <command> --help' for usage.");
    return ExitCodes.BadConfiguration;
}
return await parsed.InvokeAsync();
