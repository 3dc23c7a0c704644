using System.CommandLine;
using System.Text.Json;
using Etl.State;

namespace Etl.Cli.Commands;

/// <summary>etl review list: the portal orders held for review, with the reason.</summary>
internal static class ReviewCommand
{
    public static Command Create()
    {
        var dataRoot = CommonOptions.DataRoot();
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts instead of a table." };
        var list = new Command("list", """
            List the portal orders held for review: which order, why, the ERP order involved, and which run held it.
            A held order is left untouched in the ERP; once someone settles it (fixes the order, the customer or
            the ERP data), the next run that reads it again releases it (etl run <pipeline> --since <time> re-reads older orders).

            Examples:
              etl review list
              etl review list --json --data-root /srv/etl
            """)
        {
            dataRoot, json,
        };
        list.SetAction(result => CliHost.ExecuteAsync(() =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            using (var ledger = OrderLedger.Open(settings.DataRoot))
            {
                var entries = ledger.ReviewQueue();
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(entries.Select(e => new
                    {
                        portal_order_id = e.PortalOrderId, reason = e.Reason, detail = e.Detail, erp_order_no = e.ErpOrderNo, run_id = e.RunId,
                        held_at = e.HeldAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    }), new JsonSerializerOptions { WriteIndented = true }));
                }
                else if (entries.Count == 0)
                {
                    Console.WriteLine("No orders are held for review.");
                }
                else
                {
                    Console.WriteLine($"{"portal order",-16} {"reason",-24} {"erp order",-12} {"held at",-20} detail");
                    foreach (var e in entries)
                    {
                        Console.WriteLine($"{e.PortalOrderId,-16} {e.Reason,-24} {e.ErpOrderNo ?? "-",-12} {e.HeldAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {e.Detail}");
                    }
                }
            }
            return Task.FromResult(0);
        }));
        return new Command("review", "Orders held for review by the order import.") { list };
    }
}
