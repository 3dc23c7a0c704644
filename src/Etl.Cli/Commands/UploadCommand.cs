using System.CommandLine;
using Etl.Delivery;
using Etl.Runs;
using Etl.State;

namespace Etl.Cli.Commands;

/// <summary>etl upload [--watch]: delivers the outbox's payloads to the portal.</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var watch = new Option<bool>("--watch") { Description = "Keep watching outbox/ (file events plus a rescan every few seconds) until Ctrl+C." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("upload", """
            Deliver the payload files waiting in outbox/ to the portal (Portal:BaseUrl; empty means the in-process
            sandbox): oldest run first, references before what refers to them, one sender at a time per outbox.
            Accepted payloads move to outbox/sent/YYYY-MM-DD/ with a receipt, refused ones to outbox/failed/ with the
            portal's reasons. To retry a payload, move it from sent/ or failed/ back into outbox/: a batch the portal
            already accepted is not applied twice, and records older than ones delivered since are left out.

            Exit codes: 0 all delivered, 2 the portal refused the API key (the payloads stay), 3 some payloads were
            refused or stay in outbox/ because the portal kept failing.

            Examples:
              etl upload
              etl upload --watch
              ETL_Portal__BaseUrl=https://portal.example.com/ etl upload --data-root /srv/etl
            """)
        {
            watch, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var logger = host.Logger("etl.upload");
                var clock = host.Clock;
                DrainResult drained;
                if (result.GetValue(watch))
                {
                    drained = await OutboxWatcher.RunAsync(settings, clock, logger,
                        portal => Console.WriteLine($"etl upload: watching {Path.GetFullPath(Uploader.OutboxOf(settings.DataRoot))}, delivering to {portal}; Ctrl+C stops."),
                        cancellationToken);
                }
                else
                {
                    using var state = StateStore.Open(settings.DataRoot);
                    drained = await Uploader.DrainOnceAsync(settings, state, clock, logger, cancellationToken);
                }
                Console.WriteLine($"Upload: {drained}.");
                foreach (var notice in drained.Notices) Console.WriteLine("Note: " + notice);
                return ExitCodes.Combine(drained.ExitCode);
            }
        }));
        return command;
    }
}
