using static Etl.Entities.FieldKind;

namespace Etl.Entities.Customers;

/// <summary>Customers and the portal accounts they are linked to.</summary>
public static class CustomersEntity
{
    /// <summary>The entity's schema; a portal account may belong to one customer only.</summary>
    public static readonly EntitySchema Schema = new("customers", 0,
    [
        new("customer_no", Code, IsKey: true),
        new("name", Text),
        new("portal_account_id", Code, IsOptional: true),
        new("approved", Flag),
        new("price_list", Code, IsOptional: true),
        new("discount_group", Code, IsOptional: true),
    ], s => new CustomersValidator(s), "portal_account_id");
}

/// <summary>Customers share the common rules; a shared portal_account_id is found while the drop is read.</summary>
public sealed class CustomersValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public CustomersValidator(EntitySchema schema) : base(schema)
    {
    }
}
