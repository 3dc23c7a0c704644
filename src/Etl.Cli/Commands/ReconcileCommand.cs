using System.CommandLine;
using Etl.Reconcile;
using Etl.Runs;

namespace Etl.Cli.Commands;

/// <summary>etl reconcile &lt;entity&gt;... [--repair]: the portal's records against the ERP and the baseline.</summary>
internal static class ReconcileCommand
{
    public static Command Create()
    {
        var entities = new Argument<string[]>("entity") { Description = "The entities to reconcile, e.g. inventory (one or more).", Arity = ArgumentArity.OneOrMore };
        var repair = new Option<bool>("--repair") { Description = "Write correcting payloads (validated, batched, published into outbox/ like a run's) and deliver them; holds the run lock." };
        var allowMassRemoval = new Option<bool>("--allow-mass-removal") { Description = "Let a repair delete more than Drop:MaxRemovedPercent of the portal's records of an entity." };
        var json = new Option<bool>("--json") { Description = "Print the summary.json of the reconcile for scripts instead of text." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("reconcile", """
            Compare the portal's current records (GET /api/v1/data/<entity>) with the ERP's valid rows of the latest
            snapshot and with the baseline (what the engine believes the portal holds), by key: missing (valid in the
            ERP, not in the portal), extra (in the portal, not in the ERP), different (field by field, numbers by value)
            and a stale baseline. Keys whose ERP rows are invalid are left alone: the portal keeps what it had.

            The reconcile is recorded like a run (pipeline 'reconcile' in etl runs): reports/<run-id>/summary.json with
            a "reconcile" section, summary.txt and <entity>.reconcile.csv with every finding.

            --repair first delivers what waits in outbox/, then writes upserts for missing and different records (the
            ERP's valid values, checked by the entity's rules) and deletes for extra ones through the same batching
            and publishing as a run (the baseline advances once they are all published; keys needing no payload get the portal's
            actual values), and drains the outbox. A second reconcile then finds nothing.

            Exit codes: 0 done (drift found is a finding, not a failure), 2 unknown entity or a refused API key,
            3 the portal could not be read or a repair was stopped or not delivered, 4 another run holds the data root
            (--repair only).

            Examples:
              etl reconcile inventory
              etl reconcile inventory list_prices --json
              etl reconcile inventory --repair --data-root /srv/etl
            """)
        {
            entities, repair, allowMassRemoval, json, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            // The summary printed at the end says what happened; the log adds only warnings and errors (none with --json,
            // whose stdout is the JSON alone).
            var host = CliHost.Build(result.GetValue(dataRoot), quiet: true);
            var settings = host.Settings;
            using (host)
            {
                var logger = result.GetValue(json)
                    ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
                    : host.Logger("etl.reconcile");
                var clock = host.Clock;
                var request = new ReconcileRequest
                {
                    Entities = result.GetValue(entities) ?? [],
                    Repair = result.GetValue(repair),
                    AllowMassRemoval = result.GetValue(allowMassRemoval),
                };
                var summary = await new ReconcileEngine(settings, clock, logger).RunAsync(request, cancellationToken);
                if (summary.ExitCode == ExitCodes.Locked)
                {
                    await Console.Error.WriteLineAsync("etl: " + summary.Notices[0]);
                    return summary.ExitCode;
                }
                if (summary.ExitCode == ExitCodes.BadConfiguration)
                {
                    foreach (var notice in summary.Notices) await Console.Error.WriteLineAsync("etl: " + notice);
                }
                if (result.GetValue(json))
                {
                    Console.Write(RunReports.Json(summary));
                }
                else
                {
                    Console.WriteLine();
                    Console.Write(RunReports.Text(summary));
                    Console.WriteLine();
                    Console.WriteLine($"Reports: {Path.GetFullPath(RunReports.FolderOf(settings.DataRoot, summary.RunId))}");
                }
                return summary.ExitCode;
            }
        }));
        return command;
    }
}
