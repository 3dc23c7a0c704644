using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Etl.Runs;

/// <summary>
/// reports/&lt;run-id&gt;/report.html: the run for people, one self-contained page (inline CSS, no scripts, no
/// external resources) that opens in a browser from the file system. It shows the run and its exit code, the
/// counts per entity and stage, the order import and upload counts, the invalid records per entity and rule, and the
/// invalid records themselves (at most <see cref="DefaultMaxRecordsPerEntity"/> per entity; the rest are in
/// &lt;entity&gt;.invalid.csv). Every value that comes from the ERP, the portal or the pipeline is HTML-escaped
/// (DESIGN.md invariant 9).
/// </summary>
public static class HtmlReport
{
    /// <summary>The file name inside the report folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Invalid records listed per entity before the page points to the CSV.</summary>
    public const int DefaultMaxRecordsPerEntity = 200;

    /// <summary>Characters of a value shown before it is cut short (the CSV has it whole).</summary>
    public const int MaxValueLength = 500;

    // Keeps non-ASCII text as UTF-8 (the page declares it) and escapes everything HTML could read as markup.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The meaning of an exit code (CONTRACTS.md section 7).</summary>
    public static string ExitCodeMeaning(int exitCode) => exitCode switch
    {
        ExitCodes.Done => "done",
        ExitCodes.Failed => "failed: nothing could be done, or an unexpected error",
        ExitCodes.BadConfiguration => "bad usage or configuration",
        ExitCodes.PartlyFailed => "done, but some entities, orders or deliveries failed (see below)",
        ExitCodes.Locked => "another run held the data root; nothing was done",
        _ => "not an exit code of the contract",
    };

    /// <summary>Renders the page.</summary>
    public static string Render(RunSummary summary, int maxRecordsPerEntity = DefaultMaxRecordsPerEntity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecordsPerEntity);
        var html = new StringBuilder(16 * 1024);
        var outcome = summary.ExitCode switch
        {
            ExitCodes.Done => "ok",
            ExitCodes.PartlyFailed => "warn",
            _ => "bad",
        };
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .Append("<title>Run ").Append(E(summary.RunId)).Append(" of ").Append(E(summary.Pipeline)).Append(" \u2013 exit code ")
            .Append(N(summary.ExitCode)).Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n");

        html.Append("<header class=\"outcome ").Append(outcome).Append("\">\n")
            .Append("<h1>Run report: pipeline <span class=\"name\">").Append(E(summary.Pipeline)).Append("</span></h1>\n")
            .Append("<p class=\"verdict\">Exit code <strong id=\"exit-code\">").Append(N(summary.ExitCode)).Append("</strong>: ")
            .Append(E(ExitCodeMeaning(summary.ExitCode))).Append(".</p>\n")
            .Append("<p class=\"glance\">").Append(E(AtAGlance(summary))).Append("</p>\n</header>\n<main>\n");

        RunFacts(html, summary);
        Notices(html, summary);
        EntityCounts(html, summary);
        Orders(html, summary.Orders);
        Upload(html, summary.Upload);
        RuleCounts(html, summary);
        InvalidRecords(html, summary, maxRecordsPerEntity);

        html.Append("</main>\n<footer>Beside this page: <code>summary.json</code> (for scripts), <code>summary.txt</code> and one ")
            .Append("<code>&lt;entity&gt;.invalid.csv</code> per entity with invalid records. Times are UTC.</footer>\n")
            .Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void RunFacts(StringBuilder html, RunSummary summary)
    {
        var duration = summary.FinishedAt >= summary.StartedAt ? Duration(summary.FinishedAt - summary.StartedAt) : "";
        html.Append("<section>\n<h2>Run</h2>\n<table id=\"run\" class=\"facts\">\n<tbody>\n");
        Fact(html, "Run id", "<code>" + E(summary.RunId) + "</code>");
        Fact(html, "Pipeline", E(summary.Pipeline));
        Fact(html, "Started", E(Time(summary.StartedAt)));
        Fact(html, "Finished", E(Time(summary.FinishedAt)) + (duration.Length > 0 ? " <span class=\"muted\">(" + E(duration) + ")</span>" : ""));
        Fact(html, "Exit code", N(summary.ExitCode) + " \u2013 " + E(ExitCodeMeaning(summary.ExitCode)));
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Fact(StringBuilder html, string label, string valueHtml) =>
        html.Append("<tr><th scope=\"row\">").Append(E(label)).Append("</th><td>").Append(valueHtml).Append("</td></tr>\n");

    private static void Notices(StringBuilder html, RunSummary summary)
    {
        if (summary.Notices.Count == 0) return;
        html.Append("<section>\n<h2>Notices</h2>\n<ul id=\"notices\" class=\"notices\">\n");
        foreach (var notice in summary.Notices) html.Append("<li>").Append(E(notice)).Append("</li>\n");
        html.Append("</ul>\n</section>\n");
    }

    private static void EntityCounts(StringBuilder html, RunSummary summary)
    {
        html.Append("<section>\n<h2>Entities</h2>\n");
        if (summary.Entities.Count == 0)
        {
            html.Append("<p class=\"muted\">No outbound entity ran.</p>\n</section>\n");
            return;
        }
        html.Append("<p class=\"help\">Per entity: rows read from the ERP drop, how they compare with what the portal holds, rows held back as invalid, ")
            .Append("and the payloads written to the outbox.</p>\n")
            .Append("<table id=\"entities\">\n<thead><tr><th>Entity</th><th>Status</th><th class=\"num\">Read</th><th class=\"num\">Unchanged</th>")
            .Append("<th class=\"num\">Added</th><th class=\"num\">Changed</th><th class=\"num\">Removed</th><th class=\"num\">Invalid</th>")
            .Append("<th class=\"num\">Batches</th><th class=\"num\">Records written</th><th>Reason</th></tr></thead>\n<tbody>\n");
        foreach (var e in summary.Entities)
        {
            html.Append("<tr class=\"status-").Append(StatusClass(e.Status)).Append("\"><th scope=\"row\">").Append(E(e.Entity)).Append("</th>")
                .Append("<td><span class=\"badge ").Append(StatusClass(e.Status)).Append("\">").Append(E(e.Status)).Append("</span></td>");
            foreach (var count in new[] { e.Read, e.Unchanged, e.Added, e.Changed, e.Removed })
            {
                Count(html, count);
            }
            Count(html, e.Invalid, e.Invalid > 0 ? "warn" : null);
            Count(html, e.Batches);
            Count(html, e.RecordsWritten);
            html.Append("<td class=\"reason\">").Append(E(e.Reason)).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void RuleCounts(StringBuilder html, RunSummary summary)
    {
        html.Append("<section>\n<h2>Invalid records by rule</h2>\n");
        var withInvalid = summary.Entities.Where(e => e.InvalidRecords.Count > 0).ToList();
        if (withInvalid.Count == 0)
        {
            html.Append("<p id=\"no-invalid\" class=\"good\">No invalid records in this run.</p>\n</section>\n");
            return;
        }
        html.Append("<p class=\"help\">Invalid records are never sent; the portal keeps what it had until the ERP data is fixed.</p>\n")
            .Append("<table id=\"rules\">\n<thead><tr><th>Entity</th><th>Field</th><th>Rule</th><th class=\"num\">Records</th>")
            .Append("<th>First seen</th></tr></thead>\n<tbody>\n");
        foreach (var e in withInvalid)
        {
            var groups = e.InvalidRecords
                .GroupBy(r => (r.Field, r.Rule))
                .OrderByDescending(g => g.Count())
                .ThenBy(g => g.Key.Field, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Rule, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var first = group.First();
                html.Append("<tr><th scope=\"row\">").Append(E(e.Entity)).Append("</th><td>").Append(E(group.Key.Field)).Append("</td><td><code>")
                    .Append(E(group.Key.Rule)).Append("</code></td>");
                Count(html, group.Count());
                html.Append("<td>").Append(E(first.File)).Append(", line ").Append(N(first.Line)).Append(": ").Append(E(first.Message)).Append("</td></tr>\n");
            }
        }
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void InvalidRecords(StringBuilder html, RunSummary summary, int max)
    {
        var index = 0;
        foreach (var e in summary.Entities.Where(e => e.InvalidRecords.Count > 0))
        {
            index++;
            var csv = e.Entity + ".invalid.csv";
            var link = "<a href=\"" + E(Uri.EscapeDataString(csv)) + "\">" + E(csv) + "</a>";
            var total = e.InvalidRecords.Count;
            html.Append("<section id=\"invalid-").Append(N(index)).Append("\" class=\"invalid\">\n<h2>Invalid records: ").Append(E(e.Entity)).Append("</h2>\n")
                .Append("<p class=\"help\">").Append(N(e.Invalid)).Append(e.Invalid == 1 ? " row" : " rows").Append(" held back, ")
                .Append(N(total)).Append(total == 1 ? " finding" : " findings").Append(" (a row can break more than one rule). All of them are in ")
                .Append(link).Append(" beside this page. Line is the line in the file; the header is line 1.</p>\n");
            if (total > max)
            {
                html.Append("<p class=\"capped\">Showing the first ").Append(N(max)).Append(" of ").Append(N(total))
                    .Append(" findings. The other ").Append(N(total - max)).Append(" are in ").Append(link).Append(".</p>\n");
            }
            html.Append("<table class=\"records\">\n<thead><tr><th>File</th><th class=\"num\">Line</th><th>Key</th><th>Field</th><th>Value</th>")
                .Append("<th>Rule</th><th>Message</th></tr></thead>\n<tbody>\n");
            foreach (var r in e.InvalidRecords.Take(max))
            {
                html.Append("<tr><td>").Append(E(r.File)).Append("</td>");
                Count(html, r.Line);
                html.Append("<td>").Append(E(r.Key)).Append("</td><td>").Append(E(r.Field)).Append("</td><td>").Append(Value(r.Value))
                    .Append("</td><td><code>").Append(E(r.Rule)).Append("</code></td><td>").Append(E(r.Message)).Append("</td></tr>\n");
            }
            html.Append("</tbody>\n</table>\n</section>\n");
        }
    }

    private static void Orders(StringBuilder html, OrderCounts o)
    {
        html.Append("<section>\n<h2>Order import</h2>\n");
        if (o.Pulled == 0 && o.BackUpdated == 0 && o.Failed == 0)
        {
            html.Append("<p class=\"muted\">No orders were pulled from the portal in this run.</p>\n");
        }
        html.Append("<table id=\"orders\" class=\"facts\">\n<tbody>\n");
        CountRow(html, "Pulled from the portal", o.Pulled);
        CountRow(html, "Skipped by status", o.SkippedStatus);
        CountRow(html, "Out of scope (no approved ERP customer)", o.OutOfScope);
        CountRow(html, "Invalid (held for review)", o.Invalid, o.Invalid > 0 ? "warn" : null);
        CountRow(html, "Linked to an existing ERP order", o.Linked);
        CountRow(html, "Created in the ERP", o.Created);
        CountRow(html, "Back-updated (portal told the ERP number)", o.BackUpdated);
        CountRow(html, "Held for review", o.Review, o.Review > 0 ? "warn" : null);
        CountRow(html, "Failed (parked for a later run)", o.Failed, o.Failed > 0 ? "bad" : null);
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Upload(StringBuilder html, UploadCounts u)
    {
        html.Append("<section>\n<h2>Upload to the portal</h2>\n<table id=\"upload\" class=\"facts\">\n<tbody>\n");
        CountRow(html, "Payloads sent (accepted by the portal)", u.Sent);
        CountRow(html, "Payloads refused by the portal", u.Failed, u.Failed > 0 ? "bad" : null);
        CountRow(html, "Payloads still waiting in the outbox", u.Pending, u.Pending > 0 ? "warn" : null);
        CountRow(html, "Records the portal rejected inside accepted payloads", u.RejectedRecords, u.RejectedRecords > 0 ? "warn" : null);
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void CountRow(StringBuilder html, string label, long count, string? cssClass = null)
    {
        html.Append("<tr><th scope=\"row\">").Append(E(label)).Append("</th>");
        Count(html, count, cssClass);
        html.Append("</tr>\n");
    }

    private static void Count(StringBuilder html, long count, string? cssClass = null) =>
        html.Append("<td class=\"num").Append(cssClass is null ? "" : " " + cssClass).Append("\">").Append(N(count)).Append("</td>");

    private static string Value(string? value)
    {
        if (value is null) return "<span class=\"none\">no value</span>";
        if (value.Length == 0) return "<span class=\"none\">empty</span>";
        if (value.Length <= MaxValueLength) return "<span class=\"value\">" + E(value) + "</span>";
        return "<span class=\"value\">" + E(value[..MaxValueLength]) + "</span> <span class=\"none\">\u2026 " + N(value.Length)
            + " characters in all; the CSV has the whole value</span>";
    }

    private static string AtAGlance(RunSummary summary)
    {
        var parts = new List<string>();
        if (summary.Entities.Count > 0)
        {
            var byStatus = summary.Entities.GroupBy(e => e.Status).Select(g => N(g.Count()) + " " + g.Key);
            parts.Add(N(summary.Entities.Count) + (summary.Entities.Count == 1 ? " entity: " : " entities: ") + string.Join(", ", byStatus));
        }
        var invalid = summary.Entities.Sum(e => e.Invalid);
        parts.Add(invalid == 0 ? "no invalid rows" : N(invalid) + (invalid == 1 ? " invalid row" : " invalid rows"));
        if (summary.Orders.Pulled > 0) parts.Add(N(summary.Orders.Pulled) + " orders pulled");
        var u = summary.Upload;
        parts.Add(N(u.Sent) + " payloads sent, " + N(u.Failed) + " refused, " + N(u.Pending) + " pending");
        return string.Join("; ", parts) + ".";
    }

    private static string StatusClass(string status) => status switch
    {
        EntityStatus.Done => "done",
        EntityStatus.Skipped => "skipped",
        EntityStatus.Failed => "failed",
        EntityStatus.Stopped => "stopped",
        _ => "other",
    };

    private static string Duration(TimeSpan span)
    {
        if (span.TotalSeconds < 60) return span.TotalSeconds.ToString("0.#", Inv) + " s";
        if (span.TotalMinutes < 60) return ((int)span.TotalMinutes).ToString(Inv) + " min " + span.Seconds.ToString(Inv) + " s";
        return ((int)span.TotalHours).ToString(Inv) + " h " + span.Minutes.ToString(Inv) + " min";
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv);

    private static string N(long number) => number.ToString("#,0", Inv);

    private static string E(string? text) => string.IsNullOrEmpty(text) ? "" : Encoder.Encode(text);

    private const string Css = """

        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --stripe: #f6f8fa;
                --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5; --bad: #d1242f; --bad-bg: #ffebe9; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
               color: var(--ink); background: #fff; }
        header.outcome { padding: 18px 32px 14px; border-bottom: 4px solid; }
        header.ok { background: var(--ok-bg); border-color: var(--ok); }
        header.warn { background: var(--warn-bg); border-color: #d4a72c; }
        header.bad { background: var(--bad-bg); border-color: var(--bad); }
        h1 { margin: 0 0 6px; font-size: 24px; }
        h1 .name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .verdict { margin: 0; font-size: 17px; }
        .glance { margin: 4px 0 0; color: var(--muted); }
        main { padding: 8px 32px 24px; max-width: 1400px; }
        h2 { font-size: 19px; margin: 26px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        .help, .muted, footer { color: var(--muted); }
        .help { margin: 0 0 8px; }
        table { border-collapse: collapse; margin: 4px 0 8px; }
        th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        thead th { position: sticky; top: 0; background: #eef1f4; font-weight: 600; border-bottom: 2px solid var(--line); vertical-align: bottom; }
        tbody tr:nth-child(even) { background: var(--stripe); }
        tbody th { font-weight: 600; }
        table.facts th { font-weight: normal; color: var(--muted); padding-right: 24px; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.num { white-space: nowrap; }
        td.warn { color: var(--warn); font-weight: 600; }
        td.bad { color: var(--bad); font-weight: 600; }
        td.reason { min-width: 22em; max-width: 46em; }
        tr.status-failed th, tr.status-failed td.reason { color: var(--bad); }
        tr.status-stopped td.reason { color: var(--warn); }
        .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 13px; font-weight: 600; border: 1px solid; }
        .badge.done { color: var(--ok); background: var(--ok-bg); }
        .badge.skipped, .badge.other { color: var(--muted); background: var(--stripe); }
        .badge.failed { color: var(--bad); background: var(--bad-bg); }
        .badge.stopped { color: var(--warn); background: var(--warn-bg); }
        .good { color: var(--ok); }
        .capped { background: var(--warn-bg); border-left: 4px solid #d4a72c; padding: 6px 10px; margin: 0 0 8px; }
        .notices li { margin: 2px 0; }
        table.records { width: 100%; }
        table.records td { overflow-wrap: break-word; }
        table.records td:nth-child(3) { overflow-wrap: anywhere; min-width: 7em; }
        table.records td:nth-child(5) { overflow-wrap: anywhere; min-width: 11em; }
        table.records td:nth-child(7) { min-width: 18em; }
        .value { white-space: pre-wrap; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px;
                 background: #fff0c2; border-radius: 3px; padding: 0 3px; }
        .none { color: var(--muted); font-style: italic; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
        a { color: #0969da; }
        footer { padding: 12px 32px 24px; border-top: 1px solid var(--line); font-size: 13px; }
        @media print { thead th { position: static; } header.outcome { border-bottom-width: 2px; } }

        """;
}
