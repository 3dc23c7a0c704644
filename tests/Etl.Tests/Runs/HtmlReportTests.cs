using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Etl.Runs;
using Etl.Tests.Support;

namespace Etl.Tests.Runs;

/// <summary>A hand-built run whose ERP values try to break out of the page.</summary>
internal static class HtmlReportSample
{
    public const string RunId = "20261130T020000Z-0a1b2c";
    public const string ScriptValue = "<script>alert(1)</script>";
    public const string ImgKey = "\"><img src=x onerror=alert(1)>";
    public const string ImgFile = "kunden \"><img src=x onerror=alert(2)>.csv";
    public const string UmlautValue = "Müller & Söhne, Zürich";
    public const int InventoryInvalid = 250;

    public static RunSummary Summary()
    {
        var summary = new RunSummary
        {
            RunId = RunId,
            Pipeline = "nightly <b>&</b>",
            StartedAt = new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 11, 30, 2, 3, 4, TimeSpan.Zero),
            ExitCode = ExitCodes.PartlyFailed,
        };
        var customers = new EntityResult("customers") { Read = 1234, Unchanged = 1180, Added = 30, Changed = 12, Removed = 2, Invalid = 4, Batches = 1, RecordsWritten = 44 };
        customers.InvalidRecords.AddRange(
        [
            new("customers_2026-11-30.csv", 17, "C-100", "name", ScriptValue, "max_length", "name is longer than 100 characters."),
            new("customers_2026-11-30.csv", 18, ImgKey, "portal_account_id", " P-1 ", "duplicate_portal_account_id", "portal_account_id P-1 is used by more than one record & that's <b>bad</b>."),
            new(ImgFile, 19, "C-102", "city", UmlautValue, "max_length", "city is longer than 40 characters (Müller)."),
            new("customers_2026-11-30.csv", 20, "C-103", "email", null, "required", "email is required."),
        ]);
        summary.Entities.Add(customers);
        var inventory = new EntityResult("inventory") { Read = 5000, Unchanged = 4700, Added = 40, Changed = 10, Invalid = InventoryInvalid, Batches = 2, RecordsWritten = 50 };
        for (var i = 0; i < InventoryInvalid; i++)
        {
            inventory.InvalidRecords.Add(new("inventory.csv", i + 2, $"SKU-{i}|MAIN", "qty_available", "9", "qty_balance", "qty_available must equal qty_on_hand - qty_allocated."));
        }
        summary.Entities.Add(inventory);
        summary.Entities.Add(new EntityResult("items")
        {
            Status = EntityStatus.Failed,
            Reason = "items_<script>x()</script>.csv, line 4: a quoted field is never closed. The file was moved to drop/erp/items/failed/.",
        });
        summary.Entities.Add(new EntityResult("costs") { Status = EntityStatus.Skipped, Reason = "no new drop in drop/erp/costs" });
        summary.Orders.Pulled = 7;
        summary.Orders.SkippedStatus = 1;
        summary.Orders.OutOfScope = 1;
        summary.Orders.Linked = 2;
        summary.Orders.Created = 2;
        summary.Orders.BackUpdated = 4;
        summary.Orders.Review = 1;
        summary.Upload.Sent = 3;
        summary.Upload.Failed = 1;
        summary.Upload.Pending = 2;
        summary.Upload.RejectedRecords = 5;
        summary.Notices.Add("upload: payload <img src=x onerror=alert(3)> was refused; it stays in outbox/failed/.");
        return summary;
    }
}

/// <summary>report.html without a browser: where it is written and what it refuses to contain.</summary>
public sealed class HtmlReportTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Write_Summary_PutsReportHtmlBesideTheOtherReports()
    {
        var summary = HtmlReportSample.Summary();

        RunReports.Write(_temp.Path, summary);

        Assert.That(File.ReadAllText(_temp.Combine("reports", HtmlReportSample.RunId, "report.html")), Is.EqualTo(HtmlReport.Render(summary)));
    }

    [Test]
    public void Render_AwkwardValues_NoRawMarkupFromTheData()
    {
        var html = HtmlReport.Render(HtmlReportSample.Summary());

        Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
        Assert.That(html, Does.Contain("<meta charset=\"utf-8\" />"));
        Assert.That(html, Does.Not.Contain("<script").IgnoreCase);
        Assert.That(html, Does.Not.Contain("<img").IgnoreCase);
        Assert.That(html, Does.Not.Contain("<b>"));
        Assert.That(html, Does.Contain("Müller"), "non-ASCII text stays UTF-8, not entities");
    }

    [Test]
    public void Render_NoInvalidRecords_SaysSo()
    {
        var summary = new RunSummary { RunId = HtmlReportSample.RunId, Pipeline = "intraday", StartedAt = DateTimeOffset.UnixEpoch, FinishedAt = DateTimeOffset.UnixEpoch };
        summary.Entities.Add(new EntityResult("inventory") { Read = 3, Unchanged = 3 });

        var html = HtmlReport.Render(summary);

        Assert.That(html, Does.Contain("No invalid records in this run."));
        Assert.That(html, Does.Contain("Exit code <strong id=\"exit-code\">0</strong>: done."));
    }
}

/// <summary>
/// report.html as a browser sees it: rendered by headless Chromium (Debian's chromium; .ci/run installs it), its
/// DOM dumped and inspected, and a screenshot taken.
/// </summary>
public sealed class HtmlReportChromiumTests
{
    private TempFolder _temp = null!;
    private RunSummary _summary = null!;
    private string _page = null!;
    private XDocument _dom = null!;

    [OneTimeSetUp]
    public async Task RenderInChromium()
    {
        _temp = new TempFolder();
        _summary = HtmlReportSample.Summary();
        RunReports.Write(_temp.Path, _summary);
        _page = _temp.Combine("reports", HtmlReportSample.RunId, HtmlReport.FileName);
        var dom = await Chromium.RunAsync(_temp, "--dump-dom", new Uri(_page).AbsoluteUri);
        _dom = ParseDom(dom);
    }

    [OneTimeTearDown]
    public void TearDown() => _temp?.Dispose();

    [Test]
    public void EntityTable_OneRowPerEntityWithItsCounts()
    {
        var rows = Rows(ById("entities"));

        Assert.That(rows, Has.Count.EqualTo(_summary.Entities.Count));
        foreach (var (row, e) in rows.Zip(_summary.Entities))
        {
            Assert.That(row[0], Is.EqualTo(e.Entity));
            Assert.That(row[1], Is.EqualTo(e.Status));
            Assert.That(row.Skip(2).Take(8).Select(Number), Is.EqualTo(new[] { e.Read, e.Unchanged, e.Added, e.Changed, e.Removed, e.Invalid, e.Batches, e.RecordsWritten }), e.Entity);
            Assert.That(row[10], Is.EqualTo(e.Reason ?? ""));
        }
    }

    [Test]
    public void RuleTable_CountsPerEntityFieldAndRule()
    {
        var rows = Rows(ById("rules")).Select(r => (Entity: r[0], Field: r[1], Rule: r[2], Count: Number(r[3]))).ToList();

        Assert.That(rows, Is.EquivalentTo(new[]
        {
            ("customers", "name", "max_length", 1L),
            ("customers", "portal_account_id", "duplicate_portal_account_id", 1L),
            ("customers", "city", "max_length", 1L),
            ("customers", "email", "required", 1L),
            ("inventory", "qty_available", "qty_balance", (long)HtmlReportSample.InventoryInvalid),
        }));
    }

    [Test]
    public void InvalidRecords_ErpValuesAppearAsTextInTheirCells()
    {
        var rows = Rows(RecordsTable("customers"));

        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(rows[0], Is.EqualTo(new[] { "customers_2026-11-30.csv", "17", "C-100", "name", HtmlReportSample.ScriptValue, "max_length", "name is longer than 100 characters." }));
        Assert.That(rows[1][2], Is.EqualTo(HtmlReportSample.ImgKey));
        Assert.That(rows[1][4], Is.EqualTo(" P-1 "), "leading and trailing spaces kept");
        Assert.That(rows[1][6], Is.EqualTo("portal_account_id P-1 is used by more than one record & that's <b>bad</b>."));
        Assert.That(rows[2][0], Is.EqualTo(HtmlReportSample.ImgFile));
        Assert.That(rows[2][4], Is.EqualTo(HtmlReportSample.UmlautValue));
        Assert.That(rows[3][4], Is.EqualTo("no value"));
    }

    [Test]
    public void Dom_NoElementOrAttributeCameFromTheData()
    {
        var names = _dom.Descendants().Select(e => e.Name.LocalName).ToHashSet();
        var attributes = _dom.Descendants().Attributes().Select(a => a.Name.LocalName).ToHashSet();

        Assert.That(names, Does.Not.Contain("script").And.Not.Contain("img").And.Not.Contain("b"));
        Assert.That(names, Is.SubsetOf(new[]
        {
            "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section", "h1", "h2", "p", "span", "strong",
            "code", "a", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
        }));
        Assert.That(attributes, Is.SubsetOf(new[] { "lang", "charset", "name", "content", "id", "class", "scope", "href" }));
        Assert.That(Text(_dom.Descendants("title").Single()), Is.EqualTo($"Run {HtmlReportSample.RunId} of nightly <b>&</b> – exit code 3"));
        Assert.That(Text(_dom.Descendants("h1").Single()), Is.EqualTo("Run report: pipeline nightly <b>&</b>"));
        Assert.That(_dom.Descendants("li").Select(Text), Is.EqualTo(_summary.Notices));
    }

    [Test]
    public void Dom_SelfContained_OnlyRelativeLinksToTheCsvFiles()
    {
        var hrefs = _dom.Descendants("a").Select(a => (string)a.Attribute("href")!).Distinct().ToList();

        Assert.That(hrefs, Is.EquivalentTo(new[] { "customers.invalid.csv", "inventory.invalid.csv" }));
        Assert.That(_dom.Descendants().Attributes("src"), Is.Empty);
        Assert.That(Text(_dom.Descendants("style").Single()), Does.Not.Contain("url(").And.Not.Contain("@import"));
    }

    [Test]
    public void Dom_NonAsciiText_Survives()
    {
        var cells = _dom.Descendants("td").Select(Text).ToList();

        Assert.That(cells, Does.Contain(HtmlReportSample.UmlautValue));
        Assert.That(cells, Does.Contain("city is longer than 40 characters (Müller)."));
    }

    [Test]
    public void InvalidRecords_ManyForOneEntity_CappedWithANotePointingToTheCsv()
    {
        var table = RecordsTable("inventory");
        var section = table.Parent!;
        var note = section.Elements("p").Single(p => (string?)p.Attribute("class") == "capped");

        Assert.That(Rows(table), Has.Count.EqualTo(HtmlReport.DefaultMaxRecordsPerEntity));
        Assert.That(Rows(table)[^1][1], Is.EqualTo((HtmlReport.DefaultMaxRecordsPerEntity + 1).ToString(CultureInfo.InvariantCulture)));
        Assert.That(Text(note), Is.EqualTo($"Showing the first 200 of 250 findings. The other 50 are in inventory.invalid.csv."));
        Assert.That((string?)note.Element("a")!.Attribute("href"), Is.EqualTo("inventory.invalid.csv"));
        Assert.That(RecordsTable("customers").Parent!.Elements("p").Where(p => (string?)p.Attribute("class") == "capped"), Is.Empty);
    }

    [Test]
    public void RunOrdersAndUpload_FactsAndCounts()
    {
        var run = Rows(ById("run")).ToDictionary(r => r[0], r => r[1]);
        var orders = Rows(ById("orders")).ToDictionary(r => r[0], r => Number(r[1]));
        var upload = Rows(ById("upload")).ToDictionary(r => r[0], r => Number(r[1]));

        Assert.That(run["Run id"], Is.EqualTo(HtmlReportSample.RunId));
        Assert.That(run["Started"], Is.EqualTo("2026-11-30 02:00:00 UTC"));
        Assert.That(run["Finished"], Is.EqualTo("2026-11-30 02:03:04 UTC (3 min 4 s)"));
        Assert.That(run["Exit code"], Does.StartWith("3 – done, but some entities, orders or deliveries failed"));
        Assert.That(Text(ById("exit-code")), Is.EqualTo("3"));
        var o = _summary.Orders;
        Assert.That(orders.Values, Is.EqualTo(new long[] { o.Pulled, o.SkippedStatus, o.OutOfScope, o.Invalid, o.Linked, o.Created, o.BackUpdated, o.Review, o.Failed }));
        Assert.That(orders["Pulled from the portal"], Is.EqualTo(7));
        var u = _summary.Upload;
        Assert.That(upload.Values, Is.EqualTo(new long[] { u.Sent, u.Failed, u.Pending, u.RejectedRecords }));
    }

    [Test]
    public async Task Screenshot_At1280x900_IsAPngOfThatSize()
    {
        var png = _temp.Combine("report.png");

        await Chromium.RunAsync(_temp, "--screenshot=" + png, "--window-size=1280,900", new Uri(_page).AbsoluteUri);

        var bytes = File.Exists(png) ? File.ReadAllBytes(png) : [];
        Assert.That(bytes, Has.Length.GreaterThan(10_000), "a screenshot with content");
        Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }));
        Assert.That(Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"));
        Assert.That((BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))), Is.EqualTo((1280, 900)));
        // Kept beside the test assembly (bin/, not committed) so a person can look at the page and its picture.
        var keep = Path.Combine(TestContext.CurrentContext.WorkDirectory, "HtmlReportTests");
        Directory.CreateDirectory(keep);
        File.Copy(png, Path.Combine(keep, "report.png"), overwrite: true);
        File.Copy(_page, Path.Combine(keep, "report.html"), overwrite: true);
        TestContext.AddTestAttachment(Path.Combine(keep, "report.png"));
    }

    private XElement ById(string id) => _dom.Descendants().Single(e => (string?)e.Attribute("id") == id);

    private XElement RecordsTable(string entity) =>
        _dom.Descendants("section")
            .Single(s => s.Element("h2") is { } h2 && Text(h2) == "Invalid records: " + entity)
            .Elements("table").Single();

    /// <summary>The body rows of a table, each as the text of its cells.</summary>
    private static List<string[]> Rows(XElement table) =>
        [.. table.Element("tbody")!.Elements("tr").Select(tr => tr.Elements().Where(c => c.Name.LocalName is "th" or "td").Select(Text).ToArray())];

    private static string Text(XElement element) => element.Value;

    private static long Number(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    /// <summary>Chromium's serialized DOM as XML: no doctype, void elements closed, the one named entity it writes.</summary>
    private static XDocument ParseDom(string dom)
    {
        var xml = Regex.Replace(dom, "<!DOCTYPE[^>]*>", "", RegexOptions.IgnoreCase);
        xml = xml.Replace("&nbsp;", "&#160;", StringComparison.Ordinal);
        xml = Regex.Replace(xml, @"<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b([^>]*?)/?>", "<$1$2/>", RegexOptions.IgnoreCase);
        try
        {
            return XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        }
        catch (System.Xml.XmlException e)
        {
            Assert.Fail($"Chromium's DOM does not parse after cleanup: {e.Message}\n{dom}");
            throw;
        }
    }
}

/// <summary>Debian's headless Chromium as a child process, bounded in time.</summary>
internal static class Chromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string Executable => Environment.GetEnvironmentVariable("ETL_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Runs Chromium headless with a fresh profile under <paramref name="temp"/>; returns its stdout.</summary>
    public static async Task<string> RunAsync(TempFolder temp, params string[] arguments)
    {
        if (!File.Exists(Executable))
        {
            Assert.Fail($"Chromium is not installed at {Executable}: these tests render report.html in a real browser. "
                + "Install Debian's package (apt-get install -y chromium; .ci/run does it) or point ETL_TEST_CHROMIUM at a Chromium binary.");
        }
        var profile = temp.Combine("chromium-profile-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var flag in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        })
        {
            start.ArgumentList.Add(flag);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await Task.WhenAll(process.WaitForExitAsync(), stdout, stderr).WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
            Assert.Fail($"Chromium did not finish within {Timeout.TotalSeconds:0} s and was killed: {string.Join(' ', arguments)}. "
                + "An alert() from data that reached the page unescaped blocks it, for one.");
        }
        if (process.ExitCode != 0)
        {
            Assert.Fail($"Chromium exited with {process.ExitCode}: {string.Join(' ', arguments)}\n{Tail(await stderr)}");
        }
        return await stdout;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
