using Etl.Entities;

namespace Etl.Outbound.Outbox;

/// <summary>One record of a payload: an upsert of a valid row with its canonical values, or a delete of a key.</summary>
public sealed record ChangeRecord(string Key, Row? Row, string? Values)
{
    /// <summary>Whether this deletes the key from the portal.</summary>
    public bool IsDelete => Row is null;
}
