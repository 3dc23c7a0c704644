using FluentValidation;

namespace Etl.Entities;

/// <summary>Everything the pipeline knows about one entity: its columns, key and rules.</summary>
public sealed class EntitySchema
{
    private readonly Func<EntitySchema, IValidator<Row>> _validatorFactory;
    private IValidator<Row>? _validator;

    internal EntitySchema(string name, int deliveryOrder, IReadOnlyList<FieldSpec> fields,
        Func<EntitySchema, IValidator<Row>> validatorFactory, params string[] uniqueFields)
    {
        Name = name;
        DeliveryOrder = deliveryOrder;
        Fields = fields;
        _validatorFactory = validatorFactory;
        KeyIndexes = [.. Enumerable.Range(0, fields.Count).Where(i => fields[i].IsKey)];
        PortalIndexes = [.. Enumerable.Range(0, fields.Count).Where(i => fields[i].IsPortal)];
        UniqueFieldIndexes = [.. uniqueFields.Select(IndexOf)];
    }

    /// <summary>The entity name, as in folders, payloads and the portal API.</summary>
    public string Name { get; }

    /// <summary>Position in the uploader's order within a run (references first).</summary>
    public int DeliveryOrder { get; }

    /// <summary>All columns, in the contract's order.</summary>
    public IReadOnlyList<FieldSpec> Fields { get; }

    /// <summary>Indexes of the key columns.</summary>
    public int[] KeyIndexes { get; }

    /// <summary>Indexes of the columns the portal holds (keys included).</summary>
    public int[] PortalIndexes { get; }

    /// <summary>Non-key columns whose values must be unique across a drop (empty values aside).</summary>
    public int[] UniqueFieldIndexes { get; }

    /// <summary>The entity's FluentValidation validator.</summary>
    public IValidator<Row> Validator => _validator ??= _validatorFactory(this);

    /// <summary>The index of a column by name.</summary>
    public int IndexOf(string field)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == field) return i;
        }
        throw new ArgumentException($"{Name} has no field '{field}'.", nameof(field));
    }

    /// <summary>The key columns' names joined with '|', as reports show a key.</summary>
    public string KeyDescription => string.Join('|', KeyIndexes.Select(i => Fields[i].Name));
}
