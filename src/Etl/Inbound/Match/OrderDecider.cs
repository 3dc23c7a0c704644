using System.Globalization;
using Etl.Erp;

namespace Etl.Inbound.Match;

/// <summary>The per-order decision list of CONTRACTS.md section 5, as a pure function of the order and the ERP's lookups.</summary>
public sealed class OrderDecider(IReadOnlySet<string> importStatuses)
{
    /// <summary>Decides what to do with an order.</summary>
    public OrderDecision Decide(PortalOrder order, OrderLookups erp)
    {
        // 1. Already linked: done whatever its status; the ERP order is never changed from here.
        if (erp.ByPortalId.TryGetValue(order.Id, out var linked))
        {
            if (order.Status == "CANCELLED")
            {
                return new HoldForReview("cancelled_after_import", false, linked.ErpOrderNo, $"the order was cancelled in the portal after it became ERP order {linked.ErpOrderNo}; the ERP order was left alone");
            }
            if (!SameLines(order, linked))
            {
                return new HoldForReview("lines_differ", false, linked.ErpOrderNo, $"the order's lines differ from ERP order {linked.ErpOrderNo}; the ERP order was left alone");
            }
            if (!string.IsNullOrEmpty(order.ErpOrderNo) && order.ErpOrderNo != linked.ErpOrderNo)
            {
                return new HoldForReview("erp_number_disagrees", false, linked.ErpOrderNo, $"the portal says ERP order {order.ErpOrderNo}, the ERP has {linked.ErpOrderNo} for it");
            }
            return new AlreadyLinked(linked, string.IsNullOrEmpty(order.ErpOrderNo), $"linked to ERP order {linked.ErpOrderNo}");
        }

        // 2. Status.
        if (order.Status is null || !importStatuses.Contains(order.Status))
        {
            return new NotImported("skipped_status", $"status {order.Status ?? "(none)"} is not imported");
        }

        // 3. Customer scope.
        if (order.AccountId is null || !erp.CustomersByAccount.TryGetValue(order.AccountId, out var customer) || !customer.Approved)
        {
            return new NotImported("out_of_scope", order.AccountId is not null && erp.CustomersByAccount.ContainsKey(order.AccountId)
                ? $"the ERP customer of account {order.AccountId} is not approved"
                : $"no ERP customer has portal account {order.AccountId ?? "(none)"}");
        }

        // 4. Validation.
        var validation = erp.Validator.Validate(order);
        if (!validation.IsValid)
        {
            return new HoldForReview("invalid", true, null, string.Join("; ", validation.Errors.Select(e => e.ErrorMessage)));
        }

        // 5. The portal names an ERP order.
        if (!string.IsNullOrEmpty(order.ErpOrderNo))
        {
            if (!erp.ByNumber.TryGetValue(order.ErpOrderNo, out var named))
            {
                return new HoldForReview("unknown_erp_order", false, order.ErpOrderNo, $"the portal points to ERP order {order.ErpOrderNo}, which the ERP does not have");
            }
            if (named.PortalOrderId is not null)
            {
                return new HoldForReview("erp_order_taken", false, named.ErpOrderNo, $"ERP order {named.ErpOrderNo} belongs to portal order {named.PortalOrderId}");
            }
            return named.CustomerNo == customer.CustomerNo
                ? new LinkExisting(named, $"the portal names ERP order {named.ErpOrderNo}")
                : new HoldForReview("customer_differs", false, named.ErpOrderNo, $"ERP order {named.ErpOrderNo} is for customer {named.CustomerNo}, the order's account is customer {customer.CustomerNo}");
        }

        // 6. Match by (customer, PO) among orders without a reference; an empty PO never matches.
        var po = order.CustomerPo?.Trim();
        var candidates = string.IsNullOrEmpty(po)
            ? []
            : erp.Unlinked.Where(o => o.CustomerNo == customer.CustomerNo && o.CustomerPo?.Trim() == po).ToList();
        return candidates.Count switch
        {
            1 => new LinkExisting(candidates[0], $"matched ERP order {candidates[0].ErpOrderNo} by customer {customer.CustomerNo} and PO {po}"),
            > 1 => new HoldForReview("ambiguous_match", false, null, $"{candidates.Count} ERP orders of customer {customer.CustomerNo} carry PO {po}: {string.Join(", ", candidates.Select(c => c.ErpOrderNo))}"),
            _ => new CreateNew(NewOrder(order, customer), "no ERP order matches; creating one"),
        };
    }

    private static NewErpOrder NewOrder(PortalOrder order, ErpCustomer customer)
    {
        var lines = order.Lines!.Select(l => new ErpOrderLine(l.LineNo, l.Sku!, (long)l.Qty, l.UnitPrice)).ToList();
        var created = DateTime.TryParseExact(order.CreatedAt, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? DateOnly.FromDateTime(at)
            : throw new FormatException($"order {order.Id}: created_at '{order.CreatedAt}' is not a portal time yyyy-MM-ddTHH:mm:ss");
        return new NewErpOrder(order.Id, customer.CustomerNo, string.IsNullOrWhiteSpace(order.CustomerPo) ? null : order.CustomerPo, order.Currency!,
            created, lines.Sum(l => l.Qty * l.UnitPrice), lines);
    }

    private static bool SameLines(PortalOrder order, ErpOrder erp)
    {
        var portal = (order.Lines ?? []).Select(l => (l.LineNo, l.Sku, Qty: l.Qty, Price: l.UnitPrice)).OrderBy(l => l.LineNo).ToList();
        var ours = erp.Lines.Select(l => (l.LineNo, (string?)l.Sku, Qty: (decimal)l.Qty, Price: l.UnitPrice)).OrderBy(l => l.LineNo).ToList();
        return portal.Count == ours.Count && portal.Zip(ours).All(p => p.First.LineNo == p.Second.LineNo && p.First.Sku == p.Second.Item2
            && p.First.Qty == p.Second.Qty && p.First.Price == p.Second.Price);
    }
}
