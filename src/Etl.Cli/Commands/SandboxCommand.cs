using System.CommandLine;
using Etl.Configuration;
using Etl.PortalSandbox;
using Etl.Runs;

namespace Etl.Cli.Commands;

/// <summary>etl sandbox: hosts the sandbox portal until Ctrl+C.</summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, several separated by ';'. Default http://127.0.0.1:5080 (loopback only).", HelpName = "URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var stateFile = new Option<string?>("--state-file") { Description = "The SQLite file holding the portal's state. Default <data-root>/portal-sandbox.db.", HelpName = "F" };
        var apiKey = new Option<string?>("--api-key") { Description = "The bearer key every call must carry. Default Portal:ApiKey (sandbox-key).", HelpName = "K" };
        var timeZone = new Option<string?>("--time-zone") { Description = "The portal's IANA time zone. Default Portal:TimeZone (UTC).", HelpName = "IANA" };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("sandbox", """
            Run the sandbox portal: the portal API of the contract (orders, imports, data) plus the /sandbox/ control
            calls (seed orders, inject faults, pin the clock, reset, count requests), with its state in SQLite. It
            prints "Now listening on: <url>" when ready and runs until Ctrl+C. Point the engine at it with
            Portal:BaseUrl (or leave that empty: every command then hosts the sandbox in-process).

            Examples:
              etl sandbox
              etl sandbox --urls http://127.0.0.1:5099 --time-zone America/Chicago
              etl sandbox --state-file /tmp/portal.db --api-key test-key
            """)
        {
            urls, stateFile, apiKey, timeZone, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var options = new SandboxOptions
                {
                    Urls = result.GetValue(urls)!,
                    StateFile = result.GetValue(stateFile) ?? Path.Combine(settings.DataRoot, "portal-sandbox.db"),
                    ApiKey = result.GetValue(apiKey) ?? settings.Portal.ApiKey,
                    TimeZone = result.GetValue(timeZone) ?? settings.Portal.TimeZone,
                };
                Etl.PortalSandbox.PortalSandbox sandbox;
                try
                {
                    sandbox = await Etl.PortalSandbox.PortalSandbox.StartAsync(options, cancellationToken);
                }
                catch (ArgumentException e)
                {
                    // The sandbox names the option, never the key's value.
                    throw new ConfigurationException("etl sandbox: " + e.Message.Split(" (Parameter", 2)[0]);
                }
                catch (IOException e)
                {
                    await Console.Error.WriteLineAsync($"etl: cannot listen on {options.Urls}: {e.Message}");
                    return ExitCodes.Failed;
                }
                await using (sandbox)
                {
                    Console.WriteLine($"Now listening on: {sandbox.BaseAddress.AbsoluteUri.TrimEnd('/')}");
                    Console.WriteLine($"State file: {sandbox.StateFile}. Press Ctrl+C to stop.");
                    await sandbox.WaitForShutdownAsync(cancellationToken);
                }
                Console.WriteLine("etl sandbox: stopped.");
                return ExitCodes.Done;
            }
        }));
        return command;
    }
}
