using Etl.Entities;

namespace Etl.Tests.Entities;

/// <summary>The contract's entity table (CONTRACTS.md section 2): keys, portal fields (bold) and optional columns.</summary>
public sealed class EntityCatalogTests
{
    private static string Describe(EntitySchema schema, Func<FieldSpec, bool> which) =>
        string.Join(",", schema.Fields.Where(which).Select(f => f.Name));

    [TestCase("inventory", "sku,warehouse", "sku,warehouse,qty_available,qty_on_hand,qty_allocated", "sku,warehouse,qty_available", "")]
    [TestCase("list_prices", "sku,price_list,currency", "sku,price_list,currency,list_price,uom,effective_date", "sku,price_list,currency,list_price,uom,effective_date", "")]
    [TestCase("costs", "sku,currency", "sku,currency,unit_cost", "sku,currency,unit_cost", "")]
    [TestCase("discounts", "discount_group,product_class", "discount_group,product_class,discount_pct,valid_from,valid_to", "discount_group,product_class,discount_pct,valid_from,valid_to", "valid_to")]
    [TestCase("fixed_prices", "customer_no,sku,currency", "customer_no,sku,currency,fixed_price,valid_from,valid_to", "customer_no,sku,currency,fixed_price,valid_from,valid_to", "valid_to")]
    [TestCase("items", "sku", "sku,description,uom,product_class,weight_kg,active", "sku,description,uom,product_class,weight_kg,active", "")]
    [TestCase("customers", "customer_no", "customer_no,name,portal_account_id,approved,price_list,discount_group", "customer_no,name,portal_account_id,approved,price_list,discount_group", "portal_account_id,price_list,discount_group")]
    [TestCase("order_status", "erp_order_no", "erp_order_no,portal_order_id,status,ship_date,carrier,tracking_no", "erp_order_no,portal_order_id,status,ship_date,carrier,tracking_no", "portal_order_id,ship_date,carrier,tracking_no")]
    public void Find_Entity_KeysColumnsPortalFieldsAndOptionalOnesAsInTheContract(string name, string key, string columns, string portal, string optional)
    {
        var schema = EntityCatalog.Find(name)!;

        Assert.That(schema, Is.Not.Null);
        Assert.That(Describe(schema, f => f.IsKey), Is.EqualTo(key));
        Assert.That(schema.KeyDescription, Is.EqualTo(key.Replace(',', '|')));
        Assert.That(Describe(schema, _ => true), Is.EqualTo(columns));
        Assert.That(Describe(schema, f => f.IsPortal), Is.EqualTo(portal));
        Assert.That(Describe(schema, f => f.IsOptional), Is.EqualTo(optional));
    }

    [Test]
    public void All_InTheUploadersOrderReferencesFirst()
    {
        Assert.That(EntityCatalog.All.Select(e => e.Name), Is.EqualTo(new[]
        {
            "customers", "items", "list_prices", "costs", "discounts", "fixed_prices", "inventory", "order_status",
        }));
        Assert.That(EntityCatalog.All.Select(e => e.DeliveryOrder), Is.EqualTo(Enumerable.Range(0, 8)));
    }

    [TestCase("orders")]
    [TestCase("Inventory")]
    [TestCase("")]
    public void Find_NotAnOutboundEntity_Null(string name)
    {
        Assert.That(EntityCatalog.Find(name), Is.Null);
    }

    [Test]
    public void FieldKinds_FreeTextOnlyDescriptionAndName()
    {
        var text = EntityCatalog.All.SelectMany(e => e.Fields.Where(f => f.Kind == FieldKind.Text).Select(f => $"{e.Name}.{f.Name}"));

        Assert.That(text, Is.EquivalentTo(new[] { "items.description", "customers.name" }));
        Assert.That(EntityCatalog.All.SelectMany(e => e.Fields).Where(f => f.Kind == FieldKind.Text).Select(f => f.IsTrimmed), Is.All.False);
        Assert.That(EntityCatalog.All.SelectMany(e => e.Fields).Where(f => f.Kind != FieldKind.Text).Select(f => f.IsTrimmed), Is.All.True);
    }

    [Test]
    public void IndexOf_UnknownField_ThrowsNamingEntityAndField()
    {
        var e = Assert.Throws<ArgumentException>(() => EntityCatalog.Find("costs")!.IndexOf("price"));

        Assert.That(e!.Message, Does.Contain("costs").And.Contain("price"));
    }
}
