namespace Etl.Entities;

/// <summary>One column of an entity, as the contract's table names it.</summary>
/// <param name="Name">The column name in drops, snapshots and payloads.</param>
/// <param name="Kind">How the value is converted and compared.</param>
/// <param name="IsKey">Part of the entity's key.</param>
/// <param name="IsPortal">Sent to the portal (and compared by the diff).</param>
/// <param name="IsOptional">May be empty.</param>
public sealed record FieldSpec(string Name, FieldKind Kind, bool IsKey = false, bool IsPortal = true, bool IsOptional = false)
{
    /// <summary>Whether leading and trailing blanks are trimmed from the value.</summary>
    public bool IsTrimmed => Kind != FieldKind.Text;
}
