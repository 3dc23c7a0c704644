namespace Etl.Outbound.Extract;

/// <summary>Where an entity's snapshot comes from: a drop file or an ERP query. Can be read more than once.</summary>
public interface IRowSource
{
    /// <summary>The file name or query description used in messages and reports.</summary>
    string Name { get; }

    /// <summary>When the ERP data was extracted (the drop's last write, or the start of the query), in UTC.</summary>
    DateTimeOffset AsOf { get; }

    /// <summary>Reads the records in source order; throws <see cref="DropFileException"/> when the source is unusable.</summary>
    IEnumerable<RawRecord> Read(CancellationToken cancellationToken);
}
