using Etl.Entities.Costs;
using Etl.Entities.Customers;
using Etl.Entities.Discounts;
using Etl.Entities.FixedPrices;
using Etl.Entities.Inventory;
using Etl.Entities.Items;
using Etl.Entities.ListPrices;
using Etl.Entities.OrderStatus;

namespace Etl.Entities;

/// <summary>The eight outbound entities of the contract, in delivery order.</summary>
public static class EntityCatalog
{
    /// <summary>All entities, references first (the uploader's order within a run).</summary>
    public static readonly IReadOnlyList<EntitySchema> All =
    [
        CustomersEntity.Schema, ItemsEntity.Schema, ListPricesEntity.Schema, CostsEntity.Schema,
        DiscountsEntity.Schema, FixedPricesEntity.Schema, InventoryEntity.Schema, OrderStatusEntity.Schema,
    ];

    /// <summary>The pseudo-entity of the inbound order import in pipelines and --only.</summary>
    public const string Orders = "orders";

    /// <summary>Finds an entity by name.</summary>
    public static EntitySchema? Find(string name) => All.FirstOrDefault(e => e.Name == name);
}
