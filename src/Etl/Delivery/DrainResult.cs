using Etl.Runs;

namespace Etl.Delivery;

/// <summary>What a pass over the outbox did (the summary's upload counts) and why it stopped, if it did.</summary>
internal sealed class DrainResult
{
    /// <summary>Payloads now in sent/ (delivered, or found delivered already).</summary>
    public int Sent { get; set; }

    /// <summary>Payloads refused into failed/.</summary>
    public int Failed { get; set; }

    /// <summary>Payload files still waiting in outbox/ after the pass.</summary>
    public int Pending { get; set; }

    /// <summary>Records the portal rejected inside accepted payloads.</summary>
    public int RejectedRecords { get; set; }

    /// <summary>The portal refused the key (401/403): configuration, exit 2.</summary>
    public bool AuthFailed { get; set; }

    /// <summary>Why the pass stopped early on a transient failure (after retries), or null.</summary>
    public string? StoppedBy { get; set; }

    /// <summary>Things the operator should read.</summary>
    public List<string> Notices { get; } = [];

    /// <summary>The pass's share of the exit code: 2 for a bad key, 3 for refusals or payloads left by failures.</summary>
    public int ExitCode => AuthFailed ? ExitCodes.BadConfiguration
        : Failed > 0 || StoppedBy is not null ? ExitCodes.PartlyFailed
        : ExitCodes.Done;

    /// <summary>Copies the counts into a run summary.</summary>
    public void CopyTo(UploadCounts counts)
    {
        counts.Sent = Sent;
        counts.Failed = Failed;
        counts.Pending = Pending;
        counts.RejectedRecords = RejectedRecords;
    }

    /// <summary>One line for people.</summary>
    public override string ToString() =>
        $"sent {Sent}, failed {Failed}, pending {Pending}, rejected records {RejectedRecords}";
}
