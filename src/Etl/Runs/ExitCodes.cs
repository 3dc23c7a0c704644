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
        foreach (var code in new[] { Locked, BadConfiguration, Failed, PartlyFailed })
        {
            if (codes.Contains(code)) return code;
        }
        return Done;
    }
}
