using System.Collections.Concurrent;
using Etl.Runs;

namespace Etl.Inbound;

/// <summary>The last decision about each distinct order of a run (CONTRACTS.md section 5: each counts once). Thread-safe.</summary>
internal sealed class OrderOutcomes
{
    private readonly ConcurrentDictionary<string, string> _outcomes = new(StringComparer.Ordinal);

    /// <summary>Sets the order's outcome (its last decision so far).</summary>
    public void Set(string portalOrderId, string outcome) => _outcomes[portalOrderId] = outcome;

    /// <summary>Notes the order without an outcome of its own, unless it has one already.</summary>
    public void Seen(string portalOrderId) => _outcomes.TryAdd(portalOrderId, "");

    /// <summary>Adds the outcomes to the counts.</summary>
    public void CountInto(OrderCounts counts)
    {
        foreach (var outcome in _outcomes.Values)
        {
            switch (outcome)
            {
                case "skipped_status": counts.SkippedStatus++; break;
                case "out_of_scope": counts.OutOfScope++; break;
                case "invalid": counts.Invalid++; break;
                case "review": counts.Review++; break;
                case "linked": counts.Linked++; break;
                case "created": counts.Created++; break;
                case "failed": counts.Failed++; break;
            }
        }
    }
}
