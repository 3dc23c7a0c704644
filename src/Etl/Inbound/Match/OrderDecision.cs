using Etl.Erp;

namespace Etl.Inbound.Match;

/// <summary>What to do with one portal order (CONTRACTS.md section 5, the decision list).</summary>
public abstract record OrderDecision(string Detail);

/// <summary>Already linked: nothing to write in the ERP; back-update the portal when it lacks the number.</summary>
public sealed record AlreadyLinked(ErpOrder Erp, bool BackUpdate, string Detail) : OrderDecision(Detail);

/// <summary>Not imported: its status is not one to import (skipped_status) or its account is out of scope (out_of_scope).</summary>
public sealed record NotImported(string Outcome, string Detail) : OrderDecision(Detail);

/// <summary>Held for review, untouched; <see cref="Invalid"/> when the order itself is not valid.</summary>
public sealed record HoldForReview(string Reason, bool Invalid, string? ErpOrderNo, string Detail) : OrderDecision(Detail);

/// <summary>Exactly one ERP order matches: write the reference into it, then back-update.</summary>
public sealed record LinkExisting(ErpOrder Erp, string Detail) : OrderDecision(Detail);

/// <summary>No ERP order matches: create one (reference included), then back-update.</summary>
public sealed record CreateNew(NewErpOrder Order, string Detail) : OrderDecision(Detail);
