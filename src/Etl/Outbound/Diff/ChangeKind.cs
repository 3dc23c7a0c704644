namespace Etl.Outbound.Diff;

/// <summary>What the diff decided for one row of the drop.</summary>
public enum ChangeKind
{
    /// <summary>The portal already holds these values (or the change is within tolerance).</summary>
    Unchanged,
    /// <summary>A key the portal does not hold.</summary>
    Added,
    /// <summary>A key whose portal fields differ from what the portal holds.</summary>
    Changed,
    /// <summary>Not convertible, repeated, or failing a rule: never sent.</summary>
    Invalid,
}
