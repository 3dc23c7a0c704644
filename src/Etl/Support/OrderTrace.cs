using System.Text.Json;
using Etl.Configuration;
using Etl.Erp;

namespace Etl.Support;

/// <summary>
/// Both sides of one order (etl orders show), found by portal order id or ERP order number: the portal's order when
/// the portal can be reached, the ERP order(s) involved, the link between them, the review entry if the order is held,
/// a parked back-update, and every decision the order import's trail recorded (run, decision, detail, time).
/// </summary>
internal static class OrderTrace
{
    /// <summary>Traces an order; an id or number that nothing knows is a <see cref="ConfigurationException"/>.</summary>
    public static async Task<OrderTraceReport> RunAsync(EtlSettings settings, string query, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var ledger = LedgerReader.Open(settings.DataRoot);
        var erp = await ErpSide.OpenAsync(settings, cancellationToken);
        await using (erp)
        await using (var portal = await PortalLookup.OpenAsync(settings, clock, cancellationToken))
        {
            // Which kind of identifier: a portal id is what the ledgers and ERP references carry; else an ERP number.
            var byPortalId = await erp.ByPortalIdAsync(query, cancellationToken);
            var byNumber = await erp.ByNumberAsync(query, cancellationToken);
            string? portalOrderId;
            string matchedAs;
            if (byPortalId.Count > 0 || ledger.HasTrail(query) || ledger.Review(query) is not null || ledger.Parked(query) is not null)
            {
                (portalOrderId, matchedAs) = (query, "portal_order_id");
            }
            else if (byNumber.Count > 0)
            {
                portalOrderId = byNumber[0].PortalOrderId ?? ledger.ReviewsNaming(query).FirstOrDefault()?.PortalOrderId ?? ledger.ParkedFor(query).FirstOrDefault()?.PortalOrderId;
                matchedAs = "erp_order_no";
            }
            else
            {
                (portalOrderId, matchedAs) = (query, "portal_order_id");
            }

            var portalOrder = portalOrderId is null
                ? new PortalOrderSide(portal.Unreachable is null, portal.Unreachable is null ? null : "portal not reachable: " + portal.Unreachable, false, null, null, null, null, null, null, settings.Portal.TimeZone)
                : await PortalOrderAsync(portal, portalOrderId, settings.Portal.TimeZone, cancellationToken);
            if (matchedAs == "portal_order_id" && byPortalId.Count == 0 && !portalOrder.Found && !ledger.HasTrail(query) && ledger.Review(query) is null && ledger.Parked(query) is null)
            {
                var portalNote = portalOrder.Reachable ? "the portal has no such order" : portalOrder.Note;
                throw new ConfigurationException($"no order '{query}': no portal order id or ERP order number known to the ERP ({erp.Note ?? "no match"}), " +
                    $"the order ledger (no trail, not held, no parked back-update) or the portal ({portalNote}).");
            }

            var review = portalOrderId is null ? null : ledger.Review(portalOrderId);
            var orders = new List<ErpOrder>();
            void Add(IEnumerable<ErpOrder> found)
            {
                foreach (var order in found) if (orders.All(o => o.ErpOrderNo != order.ErpOrderNo)) orders.Add(order);
            }
            Add(portalOrderId is null ? [] : portalOrderId == query ? byPortalId : await erp.ByPortalIdAsync(portalOrderId, cancellationToken));
            Add(byNumber.Where(_ => matchedAs == "erp_order_no"));
            foreach (var number in new[] { portalOrder.ErpOrderNo, review?.ErpOrderNo }.OfType<string>().Where(n => orders.All(o => o.ErpOrderNo != n)))
            {
                Add(await erp.ByNumberAsync(number, cancellationToken));
            }
            var parked = portalOrderId is null ? null : ledger.Parked(portalOrderId);
            var trail = portalOrderId is null ? [] : ledger.Trail(portalOrderId);
            return new OrderTraceReport(query, matchedAs, portalOrderId, portalOrder, new ErpOrders(erp.Note is null, erp.Note, orders),
                Link(portalOrderId, query, portalOrder, erp.Note, orders, parked), review, parked, trail);
        }
    }

    private static async Task<PortalOrderSide> PortalOrderAsync(PortalLookup portal, string id, string timeZone, CancellationToken cancellationToken)
    {
        var read = await portal.GetAsync("api/v1/orders/" + Uri.EscapeDataString(id), cancellationToken);
        using var document = read.Document;
        if (document is null) return new PortalOrderSide(read.NotFound, read.Note, false, null, null, null, null, null, null, timeZone);
        var o = document.RootElement;
        return new PortalOrderSide(true, null, true, Text(o, "status"), Text(o, "erp_order_no"), Text(o, "updated_at"), Text(o, "created_at"),
            Text(o, "account_id"), Text(o, "customer_po"), timeZone);
    }

    // How the two sides refer to each other, in words.
    private static string Link(string? portalOrderId, string query, PortalOrderSide portal, string? erpNote, List<ErpOrder> orders, ParkedBackUpdate? parked)
    {
        if (portalOrderId is null)
        {
            return $"not linked: ERP order {query} carries no portal order id, and no portal order is held for review or waiting on it";
        }
        var carrying = orders.FirstOrDefault(o => o.PortalOrderId == portalOrderId);
        if (carrying is not null)
        {
            var number = carrying.ErpOrderNo;
            if (!portal.Reachable) return $"the ERP order {number} carries portal order {portalOrderId}; the portal's side is unknown ({portal.Note})";
            if (!portal.Found) return $"the ERP order {number} carries portal order {portalOrderId}, but the portal has no such order";
            if (portal.ErpOrderNo == number) return $"linked both ways: ERP order {number} carries portal order {portalOrderId}, and the portal knows {number}";
            if (portal.ErpOrderNo is null)
            {
                return $"half linked: ERP order {number} carries portal order {portalOrderId}, but the portal does not know the number yet" +
                    (parked is not null ? $" (the back-update is parked and retried by the next run: {parked.LastError})" : " (the next run that reads the order tells it)");
            }
            return $"in conflict: ERP order {number} carries portal order {portalOrderId}, but the portal names ERP order {portal.ErpOrderNo}";
        }
        if (erpNote is not null) return $"unknown: the ERP could not be read ({erpNote})";
        if (portal.ErpOrderNo is { } named)
        {
            var order = orders.FirstOrDefault(o => o.ErpOrderNo == named);
            return order is null
                ? $"not linked: the portal names ERP order {named}, which the ERP does not have"
                : order.PortalOrderId is null
                    ? $"not linked yet: the portal names ERP order {named}, which carries no portal order id"
                    : $"in conflict: the portal names ERP order {named}, which carries portal order {order.PortalOrderId}";
        }
        return $"not linked: no ERP order carries portal order {portalOrderId}";
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The ERP for look-ups, or a note saying why it cannot be read; never creates an embedded ERP that is not there.</summary>
    private sealed class ErpSide : IAsyncDisposable
    {
        private readonly ErpGateway? _gateway;

        private ErpSide(ErpGateway? gateway, string? note)
        {
            _gateway = gateway;
            Note = note;
        }

        public string? Note { get; private set; }

        public static async Task<ErpSide> OpenAsync(EtlSettings settings, CancellationToken cancellationToken)
        {
            var database = new ErpDatabase(settings.Erp, settings.DataRoot);
            if (database.IsEmbedded && string.IsNullOrWhiteSpace(settings.Erp.ConnectionString) && !File.Exists(database.EmbeddedPath))
            {
                return new ErpSide(null, $"the data root has no embedded ERP ({Path.GetFullPath(database.EmbeddedPath)} does not exist)");
            }
            try
            {
                return new ErpSide(await ErpGateway.OpenAsync(database, settings.Erp.OrderNumberPrefix, cancellationToken), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever the provider throws (a refused connection string, a server that does not answer), the trail
                // of the ledger and the portal is still worth showing.
                return new ErpSide(null, $"the {database.Describe()} could not be opened: {e.Message}");
            }
        }

        public Task<List<ErpOrder>> ByPortalIdAsync(string id, CancellationToken cancellationToken) => ReadAsync(g => g.OrdersByPortalIdAsync([id], cancellationToken));

        public Task<List<ErpOrder>> ByNumberAsync(string number, CancellationToken cancellationToken) => ReadAsync(g => g.OrdersByNumberAsync([number], cancellationToken));

        public async ValueTask DisposeAsync()
        {
            if (_gateway is not null) await _gateway.DisposeAsync();
        }

        private async Task<List<ErpOrder>> ReadAsync(Func<ErpGateway, Task<List<ErpOrder>>> read)
        {
            if (_gateway is null || Note is not null) return [];
            try
            {
                return await read(_gateway);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Note = "the ERP could not be read: " + e.Message;
                return [];
            }
        }
    }
}

/// <summary>What etl orders show found about one order.</summary>
/// <param name="Query">What was asked for.</param>
/// <param name="MatchedAs">portal_order_id or erp_order_no.</param>
/// <param name="PortalOrderId">The portal order id (null for an ERP order no portal order refers to).</param>
/// <param name="Portal">The portal's side.</param>
/// <param name="Erp">The ERP's side.</param>
/// <param name="Link">How the two sides refer to each other, in words.</param>
/// <param name="Review">The review entry, when the order is held.</param>
/// <param name="ParkedBackUpdate">A back-update waiting for a later run.</param>
/// <param name="Trail">Every decision about the order, oldest first.</param>
internal sealed record OrderTraceReport(string Query, string MatchedAs, string? PortalOrderId, PortalOrderSide Portal, ErpOrders Erp, string Link,
    ReviewInfo? Review, ParkedBackUpdate? ParkedBackUpdate, IReadOnlyList<OrderTrailEntry> Trail);

/// <summary>The portal's order: reachable or why not, found or not, and its fields (times portal-local, in <paramref name="TimeZone"/>).</summary>
internal sealed record PortalOrderSide(bool Reachable, string? Note, bool Found, string? Status, string? ErpOrderNo, string? UpdatedAt, string? CreatedAt,
    string? AccountId, string? CustomerPo, string TimeZone);

/// <summary>The ERP's orders involved: the one carrying the portal id, the one asked for, or the one the portal or review names.</summary>
internal sealed record ErpOrders(bool Reachable, string? Note, IReadOnlyList<ErpOrder> Orders);
