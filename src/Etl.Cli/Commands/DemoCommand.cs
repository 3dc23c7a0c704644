using System.CommandLine;
using Etl.Configuration;
using Etl.Demo;
using Etl.Runs;

namespace Etl.Cli.Commands;

/// <summary>etl demo: the guided tour on the sample data.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("demo", """
            The guided tour on sample data. The first call lays sample day 1's ERP drops into the data root, creates and
            seeds the embedded ERP, and runs the nightly pipeline (a full first run); each later call lays the next
            sample day, if there is one, and runs again (the delta run).

            Examples:
              etl demo
              etl demo --data-root /tmp/etl-demo
            """)
        {
            dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var definition = PipelineLoader.Load(PipelineLoader.Resolve("nightly", Directory.GetCurrentDirectory(), AppContext.BaseDirectory));
            var host = CliHost.Build(result.GetValue(dataRoot), definition);
            var settings = host.Settings;
            int? day;
            using (host)
            {
                var tour = new DemoTour(settings.DataRoot, DemoTour.FindSampleRoot());
                day = await tour.LayNextDayAsync(settings, host.Clock, cancellationToken);
            }
            Console.WriteLine(day is { } d
                ? $"etl demo: laid sample day {d}'s ERP drops into {Path.GetFullPath(settings.DataRoot)}; running the nightly pipeline."
                : "etl demo: every sample day has been laid already; running the nightly pipeline again (expect no changes).");
            return await RunCommand.RunAsync(definition, new RunRequest(), result.GetValue(dataRoot), cancellationToken);
        }));
        return command;
    }
}
