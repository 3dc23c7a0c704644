using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Etl.Support;

namespace Etl.Cli.Commands;

/// <summary>etl orders show &lt;portal-order-id | erp-order-no&gt;: both sides of one order and every decision about it.</summary>
internal static class OrdersCommand
{
    public static Command Create() => new("orders", """
        Look at portal orders and their ERP orders.

        Examples:
          etl orders show P-10023
          etl orders show WEB-000042 --json
        """)
    {
        Show(),
    };

    private static Command Show()
    {
        var id = new Argument<string>("portal-order-id | erp-order-no") { Description = "A portal order id, or the number of an ERP order." };
        var json = new Option<bool>("--json") { Description = "Print JSON for tools instead of text." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("show", """
            Both sides of one order, by portal order id or ERP order number: the portal's order (status, erp_order_no,
            updated_at) when the portal can be reached, the ERP order (number, customer, PO, status, lines, portal
            order id), how they are linked, the review entry if the order is held, a parked back-update, and every
            decision the order import made about it (run, decision, detail, time): skipped by status, out of scope,
            invalid, linked, created, back-updated, held for review. The answer to "where is this order?".

            Examples:
              etl orders show P-10023
              etl orders show WEB-000042
              etl orders show SO-778 --json --data-root /srv/etl
            """)
        {
            id, json, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var report = await OrderTrace.RunAsync(settings, result.GetValue(id)!, host.Clock, cancellationToken);
                if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(report, TraceCommand.Json));
                else Print(report);
            }
            return 0;
        }));
        return command;
    }

    private static void Print(OrderTraceReport report)
    {
        Line(report.PortalOrderId is null
            ? $"ERP order {report.Query}"
            : report.MatchedAs == "erp_order_no" ? $"Order {report.PortalOrderId} (found by ERP order number {report.Query})" : $"Order {report.PortalOrderId}");
        Line($"Link:         {report.Link}");
        Console.WriteLine();

        var portal = report.Portal;
        if (!portal.Reachable) Line($"Portal:       {portal.Note}");
        else if (!portal.Found) Line(report.PortalOrderId is null ? "Portal:       no portal order id to look up" : $"Portal:       the portal has no order {report.PortalOrderId}");
        else
        {
            Line($"Portal:       status {Show(portal.Status)}  erp_order_no {Show(portal.ErpOrderNo)}  updated_at {Show(portal.UpdatedAt)} ({portal.TimeZone})");
            Line($"              account {Show(portal.AccountId)}  PO {Show(portal.CustomerPo)}  created_at {Show(portal.CreatedAt)}");
        }

        if (!report.Erp.Reachable) Line($"ERP:          {report.Erp.Note}");
        else if (report.Erp.Orders.Count == 0) Line("ERP:          no ERP order carries it");
        foreach (var order in report.Erp.Orders)
        {
            Line($"ERP:          {order.ErpOrderNo}  customer {Show(order.CustomerNo)}  PO {Show(order.CustomerPo)}  status {Show(order.Status)}  portal_order_id {Show(order.PortalOrderId)}");
            foreach (var line in order.Lines)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"                line {line.LineNo}  {line.Sku}  qty {line.Qty}  unit price {line.UnitPrice}"));
            }
        }

        Line(report.Review is { } review
            ? $"Review:       held ({review.Reason}) since {review.HeldAt} by run {review.RunId}: {review.Detail}"
            : "Review:       not held");
        Line(report.ParkedBackUpdate is { } parked
            ? $"Back-update:  ERP order {parked.ErpOrderNo} parked since {parked.Since}, {parked.Attempts} attempt(s), last error: {parked.LastError}"
            : "Back-update:  none parked");

        Console.WriteLine();
        if (report.Trail.Count == 0)
        {
            Line("Trail:        no run has decided anything about it");
            return;
        }
        Line("Trail, oldest first:");
        var width = report.Trail.Max(t => t.Decision.Length);
        foreach (var entry in report.Trail) Line($"  {entry.At}  run {entry.RunId}  {entry.Decision.PadRight(width)}  {entry.Detail}");
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    // Every line may hold ERP or portal text: it reaches the terminal only through Terminal.Safe.
    private static void Line(string text) => Console.WriteLine(Terminal.Safe(text));
}
