using static Etl.Entities.FieldKind;

namespace Etl.Entities.OrderStatus;

/// <summary>Fulfilment status of ERP orders, reported back to the portal.</summary>
public static class OrderStatusEntity
{
    /// <summary>The portal's fulfilment statuses.</summary>
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal)
        { "IN_PROGRESS", "SHIPPED", "INVOICED", "CLOSED" };

    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("order_status", 7,
    [
        new("erp_order_no", Code, IsKey: true),
        new("portal_order_id", Code, IsOptional: true),
        new("status", Code),
        new("ship_date", Date, IsOptional: true),
        new("carrier", Code, IsOptional: true),
        new("tracking_no", Code, IsOptional: true),
    ], s => new OrderStatusValidator(s));
}

/// <summary>A status is one of the portal's fulfilment statuses; a shipped order has a ship date.</summary>
public sealed class OrderStatusValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public OrderStatusValidator(EntitySchema schema) : base(schema)
    {
        CheckText("status", OrderStatusEntity.Statuses.Contains, "status",
            $"status must be one of {string.Join(", ", OrderStatusEntity.Statuses)}.");
        int status = schema.IndexOf("status"), shipDate = schema.IndexOf("ship_date");
        CheckRow("ship_date", r => r.Text(status) != "SHIPPED" || r.Values[shipDate] is not null,
            "ship_date_required", "ship_date is required when status is SHIPPED.");
    }
}
