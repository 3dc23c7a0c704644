namespace Etl.Runs;

/// <summary>What a run did: reports/&lt;run-id&gt;/summary.json (CONTRACTS.md section 6).</summary>
public sealed class RunSummary
{
    /// <summary>The run id, YYYYMMDDTHHMMSSZ- plus six hex digits.</summary>
    public required string RunId { get; init; }

    /// <summary>The pipeline's name.</summary>
    public required string Pipeline { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the run finished (UTC).</summary>
    public DateTimeOffset FinishedAt { get; set; }

    /// <summary>The exit code (CONTRACTS.md section 7).</summary>
    public int ExitCode { get; set; }

    /// <summary>Per outbound entity, in pipeline order.</summary>
    public List<EntityResult> Entities { get; } = [];

    /// <summary>Counts of the order import.</summary>
    public OrderCounts Orders { get; } = new();

    /// <summary>Counts of the outbox drain.</summary>
    public UploadCounts Upload { get; } = new();

    /// <summary>Reconciliations with the portal (etl reconcile, or a pipeline's "reconcile"); summary.json has a "reconcile" section only when there are some.</summary>
    public List<Reconcile.ReconcileResult> Reconcile { get; } = [];

    /// <summary>Things the operator should know that are not counts (skipped stages, waiting drops).</summary>
    public List<string> Notices { get; } = [];
}

/// <summary>Counts of the order import, one outcome per distinct order.</summary>
public sealed class OrderCounts
{
    /// <summary>Orders read from the portal.</summary>
    public int Pulled { get; set; }
    /// <summary>Skipped by status.</summary>
    public int SkippedStatus { get; set; }
    /// <summary>Account without an approved ERP customer.</summary>
    public int OutOfScope { get; set; }
    /// <summary>Held for review as invalid.</summary>
    public int Invalid { get; set; }
    /// <summary>Linked to an existing ERP order.</summary>
    public int Linked { get; set; }
    /// <summary>Created in the ERP.</summary>
    public int Created { get; set; }
    /// <summary>Told the ERP number.</summary>
    public int BackUpdated { get; set; }
    /// <summary>Held for review.</summary>
    public int Review { get; set; }
    /// <summary>Failed, parked for a later run.</summary>
    public int Failed { get; set; }

    /// <summary>Copies every count of another.</summary>
    public void CopyFrom(OrderCounts other)
    {
        Pulled = other.Pulled;
        SkippedStatus = other.SkippedStatus;
        OutOfScope = other.OutOfScope;
        Invalid = other.Invalid;
        Linked = other.Linked;
        Created = other.Created;
        BackUpdated = other.BackUpdated;
        Review = other.Review;
        Failed = other.Failed;
    }
}

/// <summary>Counts of the outbox drain.</summary>
public sealed class UploadCounts
{
    /// <summary>Payloads the portal accepted.</summary>
    public int Sent { get; set; }
    /// <summary>Payloads the portal refused.</summary>
    public int Failed { get; set; }
    /// <summary>Payloads still waiting in the outbox.</summary>
    public int Pending { get; set; }
    /// <summary>Records the portal rejected inside accepted payloads.</summary>
    public int RejectedRecords { get; set; }
}
