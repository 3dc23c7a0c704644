using static Etl.Entities.FieldKind;

namespace Etl.Entities.ListPrices;

/// <summary>List prices per SKU, price list and currency.</summary>
public static class ListPricesEntity
{
    /// <summary>The entity's schema.</summary>
    public static readonly EntitySchema Schema = new("list_prices", 2,
    [
        new("sku", Code, IsKey: true),
        new("price_list", Code, IsKey: true),
        new("currency", Code, IsKey: true),
        new("list_price", Number),
        new("uom", Code),
        new("effective_date", Date),
    ], s => new ListPricesValidator(s));
}

/// <summary>A list price is above zero, in a valid currency.</summary>
public sealed class ListPricesValidator : EntityValidator
{
    /// <summary>Creates the validator.</summary>
    public ListPricesValidator(EntitySchema schema) : base(schema)
    {
        Currency("currency");
        Positive("list_price");
    }
}
