namespace Etl.Runs;

/// <summary>The exit codes of the contract; when several apply, the first of 4, 2, 1, 3 wins.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Done = 0;
    /// <summary>Nothing could be done, or an unexpected error.</summary>
    public const int Failed = 1;
    /// <summary>Bad usage or configuration.</summary>
    public const int BadConfiguration = 2;
    /// <summary>Done, but some entities, orders or deliveries failed.</summary>
    public const int PartlyFailed = 3;
    /// <summary>Another run holds the data root.</summary>
    public const int Locked = 4;

    /// <summary>Combines exit codes by the contract's precedence.</summary>
    public static int Combine(params int[] codes)
    {
        // Plain loops: the vectorized Contains of a span is compiled at run time, a few milliseconds at the run's end.
        foreach (var code in (ReadOnlySpan<int>)[Locked, BadConfiguration, Failed, PartlyFailed])
        {
            foreach (var given in codes)
            {
                if (given == code) return code;
            }
        }
        return Done;
    }
}
