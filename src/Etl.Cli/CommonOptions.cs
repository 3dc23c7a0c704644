using System.CommandLine;

namespace Etl.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary>--data-root DIR.</summary>
    public static Option<string?> DataRoot() => new("--data-root")
    {
        Description = "The data root (drops, outbox, snapshots, reports, state). Default: DataRoot in appsettings.json, else ./data.",
        HelpName = "DIR",
    };
}
