using Etl.Erp;
using Etl.Inbound.Validate;

namespace Etl.Inbound.Match;

/// <summary>What the ERP knows about one page of portal orders, read with a handful of batched queries.</summary>
public sealed record OrderLookups(
    IReadOnlyDictionary<string, ErpOrder> ByPortalId,
    IReadOnlyDictionary<string, ErpOrder> ByNumber,
    IReadOnlyList<ErpOrder> Unlinked,
    IReadOnlyDictionary<string, ErpCustomer> CustomersByAccount,
    IReadOnlySet<string> Items)
{
    private PortalOrderValidator? _validator;

    /// <summary>The validator for these items, built once for the page (building one costs more than using it).</summary>
    public PortalOrderValidator Validator => _validator ??= new PortalOrderValidator(Items);

    /// <summary>Reads the lookups of a page.</summary>
    public static async Task<OrderLookups> ReadAsync(ErpGateway erp, IReadOnlyList<PortalOrder> orders, CancellationToken cancellationToken)
    {
        var byPortalId = await erp.OrdersByPortalIdAsync(orders.Select(o => o.Id), cancellationToken);
        var byNumber = await erp.OrdersByNumberAsync(orders.Select(o => o.ErpOrderNo).OfType<string>().Where(n => n.Length > 0), cancellationToken);
        var unlinked = await erp.UnlinkedOrdersByPoAsync(orders.Select(o => o.CustomerPo).OfType<string>().Where(p => p.Trim().Length > 0), cancellationToken);
        var customers = await erp.CustomersByAccountAsync(orders.Select(o => o.AccountId).OfType<string>(), cancellationToken);
        var items = await erp.ExistingItemsAsync(orders.SelectMany(o => o.Lines ?? []).Select(l => l.Sku).OfType<string>(), cancellationToken);
        return new OrderLookups(
            byPortalId.Where(o => o.PortalOrderId is not null).ToDictionary(o => o.PortalOrderId!, StringComparer.Ordinal),
            byNumber.ToDictionary(o => o.ErpOrderNo, StringComparer.Ordinal),
            unlinked, customers, items);
    }
}
