using System.Text;
using Etl.Runs;
using Etl.Tests.Support;
using Snapshooter.NUnit;

namespace Etl.Tests.Runs;

public sealed class RunReportsTests
{
    private const string RunId = "20261130T020000Z-0a1b2c";
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static readonly InvalidRecord[] Awkward =
    [
        new("inventory_1.csv", 3, "A-1|MAIN", "qty_available", "9", "qty_balance", "qty_available must equal qty_on_hand - qty_allocated."),
        new("items.csv", 7, "B, 2", "description", "12\" pipe, \"bent\"", "max_length", "description is longer than 200 characters."),
        new("items.csv", 9, "C-3", "description", "first line\nsecond line", "required", "a message with \"quotes\", commas\nand a line break"),
        new("items.csv", 12, "D-4", "weight_kg", null, "required", "weight_kg is required."),
        new("customers.csv", 4, "C-1", "portal_account_id", " P-1 ", "duplicate_portal_account_id", "portal_account_id P-1 is used by more than one record; each must have its own."),
    ];

    private static RunSummary Summary()
    {
        var summary = new RunSummary
        {
            RunId = RunId,
            Pipeline = "nightly",
            StartedAt = new DateTimeOffset(2026, 11, 29, 21, 0, 0, TimeSpan.FromHours(-5)),
            FinishedAt = new DateTimeOffset(2026, 11, 30, 2, 3, 4, 567, TimeSpan.Zero),
            ExitCode = ExitCodes.PartlyFailed,
        };
        var inventory = new EntityResult("inventory") { Read = 1200, Unchanged = 1100, Added = 40, Changed = 50, Removed = 3, Invalid = 10, Batches = 2, RecordsWritten = 93 };
        inventory.InvalidRecords.Add(Awkward[0]);
        summary.Entities.Add(inventory);
        summary.Entities.Add(new EntityResult("costs") { Status = EntityStatus.Skipped, Reason = "no new drop in data/drop/erp/costs" });
        summary.Entities.Add(new EntityResult("items")
        {
            Status = EntityStatus.Failed,
            Reason = "items.csv, line 4: a quoted field is never closed. The file was moved to drop/erp/items/failed/items.csv.",
            Read = 0,
        });
        summary.Entities.Add(new EntityResult("list_prices") { Status = EntityStatus.Stopped, Reason = "list_prices.csv would remove 50 of the 100 records \"the portal\" holds", Read = 50, Removed = 50 });
        summary.Orders.Pulled = 5;
        summary.Orders.SkippedStatus = 1;
        summary.Orders.OutOfScope = 1;
        summary.Orders.Invalid = 1;
        summary.Orders.Linked = 1;
        summary.Orders.Created = 1;
        summary.Orders.BackUpdated = 2;
        summary.Orders.Review = 0;
        summary.Orders.Failed = 0;
        summary.Upload.Sent = 2;
        summary.Upload.Failed = 1;
        summary.Upload.Pending = 3;
        summary.Upload.RejectedRecords = 4;
        summary.Notices.Add("orders: the inbound order import is not available in this version; orders were skipped.");
        return summary;
    }

    private static string InvalidCsv(IEnumerable<InvalidRecord> records)
    {
        using var stream = new MemoryStream();
        RunReports.WriteInvalidCsv(stream, records);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Test]
    public void Json_HandBuiltSummary_MatchesSnapshot()
    {
        var json = RunReports.Json(Summary());

        Snapshot.Match(PayloadJson.Parse(json));
    }

    [Test]
    public void Json_Times_UtcIsoToTheSecondWithZ()
    {
        var json = PayloadJson.Parse(RunReports.Json(Summary()));

        Assert.That((string)json["started_at"]!, Is.EqualTo("2026-11-30T02:00:00Z"));
        Assert.That((string)json["finished_at"]!, Is.EqualTo("2026-11-30T02:03:04Z"));
    }

    [Test]
    public void Json_EntityCounts_UnderTheContractsNames()
    {
        var json = PayloadJson.Parse(RunReports.Json(Summary()));

        var inventory = (Newtonsoft.Json.Linq.JObject)json["entities"]!["inventory"]!;
        Assert.That(inventory.Properties().Select(p => p.Name), Is.EqualTo(new[]
        {
            "status", "reason", "read", "unchanged", "added", "changed", "removed", "invalid", "batches", "records_written",
        }));
        Assert.That((string?)inventory["reason"], Is.Null);
        Assert.That((long)inventory["records_written"]!, Is.EqualTo(93));
        Assert.That(((Newtonsoft.Json.Linq.JObject)json["entities"]!).Properties().Select(p => p.Name), Is.EqualTo(new[] { "inventory", "costs", "items", "list_prices" }));
    }

    [Test]
    public void WriteInvalidCsv_AwkwardValues_MatchesSnapshot()
    {
        Snapshot.Match(InvalidCsv(Awkward));
    }

    [Test]
    public void WriteInvalidCsv_AwkwardValues_ReadBackExactlyByAnRfc4180Reader()
    {
        var rows = Rfc4180.Parse(InvalidCsv(Awkward));

        Assert.That(rows[0], Is.EqualTo(new[] { "file", "line", "key", "field", "value", "rule", "message" }));
        Assert.That(rows.Skip(1).Select(r => r.Length), Is.All.EqualTo(7));
        Assert.That(rows.Skip(1).Select(r => r.ToList()), Is.EqualTo(Awkward.Select(a => new List<string>
        {
            a.File, a.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Key, a.Field, a.Value ?? "", a.Rule, a.Message,
        })));
    }

    [Test]
    public void WriteInvalidCsv_NoRecords_HeaderOnly()
    {
        Assert.That(Rfc4180.Parse(InvalidCsv([])), Is.EqualTo(new[] { new[] { "file", "line", "key", "field", "value", "rule", "message" } }));
    }

    [Test]
    public void Write_Summary_ReportsFolderWithSummariesAndOneCsvPerEntityWithInvalidRecords()
    {
        var summary = Summary();
        summary.Entities[2].InvalidRecords.AddRange(Awkward[1..4]);

        RunReports.Write(_temp.Path, summary);

        Assert.That(_temp.Files(), Is.EqualTo(new[]
        {
            $"reports/{RunId}/inventory.invalid.csv",
            $"reports/{RunId}/items.invalid.csv",
            $"reports/{RunId}/report.html",
            $"reports/{RunId}/summary.json",
            $"reports/{RunId}/summary.txt",
        }));
        Assert.That(File.ReadAllText(_temp.Combine("reports", RunId, "summary.json")), Is.EqualTo(RunReports.Json(summary)));
        Assert.That(Rfc4180.Parse(File.ReadAllText(_temp.Combine("reports", RunId, "items.invalid.csv"))), Has.Count.EqualTo(4));
        Assert.That(RunReports.FolderOf(_temp.Path, RunId), Is.EqualTo(_temp.Combine("reports", RunId)));
    }

    [Test]
    public void Text_HandBuiltSummary_MatchesSnapshot()
    {
        Snapshot.Match(RunReports.Text(Summary()));
    }
}
