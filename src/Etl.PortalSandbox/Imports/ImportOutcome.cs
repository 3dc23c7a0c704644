namespace Etl.PortalSandbox.Imports;

/// <summary>What an import call comes to.</summary>
internal enum ImportOutcomeKind
{
    /// <summary>Applied now; the answer is new.</summary>
    Applied,

    /// <summary>The key was seen with the same body: the first answer, nothing applied.</summary>
    Replayed,

    /// <summary>The key was seen with another body: 422.</summary>
    KeyConflict,
}

/// <summary>An import's outcome and its answer (JSON text).</summary>
internal sealed record ImportOutcome(ImportOutcomeKind Kind, string Answer);
