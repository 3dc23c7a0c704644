namespace Etl.Delivery;

/// <summary>
/// A payload file waiting in outbox/, with what its name (or, for a file named by hand, its body) says about its place
/// in the delivery order: the run, the entity and the sequence.
/// </summary>
internal sealed record OutboxFile(string Path, string Name, string? RunId, string? Entity, int Sequence)
{
    /// <summary>Position of the entity in the delivery order; unknown entities go after the known ones.</summary>
    public int EntityOrder => Entity is not null && Entities.EntityCatalog.Find(Entity) is { } schema ? schema.DeliveryOrder : int.MaxValue;
}
