using System.CommandLine;
using System.Text.Json;
using Etl.Support;

namespace Etl.Cli.Commands;

/// <summary>etl trace &lt;entity&gt; &lt;key=value&gt;...: the life of one record, newest run first.</summary>
internal static class TraceCommand
{
    /// <summary>JSON as etl prints it for tools: snake_case names, indented, a record's fields as one object.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new FieldValuesJson() },
    };

    public static Command Create()
    {
        var entity = new Argument<string>("entity") { Description = "The entity, e.g. inventory." };
        var keys = new Argument<string[]>("key=value")
        {
            Description = "Every key field of the entity with its value, e.g. sku=A-1 warehouse=MAIN.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var last = new Option<int>("--last") { Description = "How many runs that read the entity to show, newest first.", DefaultValueFactory = _ => RecordTrace.DefaultLast, HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print JSON for tools instead of text." };
        var dataRoot = CommonOptions.DataRoot();
        var command = new Command("trace", """
            The life of one record, newest run first, from what the runs keep: per run that read the entity, its value
            in that run's snapshot (and whether it was valid), the payload and batch that carried it (or why none did:
            unchanged, invalid with the rule, held by a guard, a failed file), what became of the delivery (receipt,
            rejected, refused, re-dropped), and the portal's current value when the portal can be reached.
            The answer to "why does the portal show X when the ERP says Y?".

            Examples:
              etl trace inventory sku=A-1 warehouse=MAIN
              etl trace list_prices sku=PIPE-012 price_list=TRADE currency=EUR --last 5
              etl trace customers customer_no=C-100 --json
            """)
        {
            entity, keys, last, json, dataRoot,
        };
        command.SetAction((result, cancellationToken) => CliHost.ExecuteAsync(async () =>
        {
            var host = CliHost.Build(result.GetValue(dataRoot));
            var settings = host.Settings;
            using (host)
            {
                var schema = RecordTrace.Entity(result.GetValue(entity)!);
                var values = RecordTrace.ParseKey(schema, result.GetValue(keys) ?? []);
                var report = await RecordTrace.RunAsync(settings, schema, values, result.GetValue(last), host.Clock, cancellationToken);
                if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(report, Json));
                else Print(report);
            }
            return 0;
        }));
        return command;
    }

    private static void Print(RecordTraceReport report)
    {
        var key = string.Join(' ', report.Key.Select(k => $"{k.Field}={k.Value}"));
        Line($"{report.Entity} {key}: {report.Runs.Count} run(s) that read {report.Entity}, newest first (at most {report.Last})");
        Console.WriteLine();
        Line("Portal now:     " + PortalLine(report));
        if (report.LastDelivery is { } delivered) Line($"Last delivered: batch {delivered.BatchId} (as_of {delivered.AsOf}), says the delivery ledger");
        if (report.Runs.Count == 0) Line($"No run has read {report.Entity} yet.");
        foreach (var run in report.Runs)
        {
            Console.WriteLine();
            Line($"Run {run.RunId}  {run.Pipeline}  started {run.StartedAt}  {report.Entity}: {run.EntityStatus}");
            foreach (var row in run.Rows) Line($"  ERP value:    {Values(row.Values, report)}  ({(row.IsValid ? "valid" : "invalid")})");
            if (run.Rows.Count == 0 && run.Snapshot is not null) Line("  ERP value:    no row with this key in the snapshot");
            if (run.Snapshot is not null) Line($"  Snapshot:     {run.Snapshot}");
            Line($"  Outcome:      {run.Explanation}");
            foreach (var invalid in run.Invalid)
            {
                Line($"  Invalid:      {invalid.Field} = '{invalid.Value}' breaks {invalid.Rule}: {invalid.Message} ({invalid.File} line {invalid.Line}; {invalid.Report})");
            }
            foreach (var change in run.Changes)
            {
                var sent = change.Values.Count == 0 ? "" : "  " + Values(change.Values, report);
                Line($"  Payload:      {change.Op}{sent}  batch {change.BatchId}, record {change.Index}, as_of {change.AsOf}");
                Line($"                {change.Payload}");
                foreach (var delivery in change.Deliveries) Line($"  Delivery:     {delivery.At ?? "pending"}  {delivery.Detail}  ({delivery.File})");
            }
        }
    }

    private static string PortalLine(RecordTraceReport report)
    {
        var portal = report.Portal;
        if (!portal.Reachable) return portal.Note ?? "portal not reachable";
        var now = portal.Found ? Values(portal.Values!, report) : "no record with this key";
        if (portal.ComparedWithRun is not { } run || portal.Differences is not { } differences) return now;
        if (differences.Count == 0)
        {
            return portal.Found ? $"{now}  (the same as the ERP's newest valid value, run {run})" : $"{now}  (nor has the ERP: run {run} has no row with it)";
        }
        if (!portal.ErpHasIt) return $"{now}  (but the ERP has no row with this key since run {run})";
        var erp = string.Join(' ', differences.Select(x => $"{x.Field}={Show(x.Erp)}"));
        if (!portal.Found) return $"{now}  (but the ERP's newest valid value, run {run}, is {erp})";
        return $"{now}  (but the ERP's newest valid value, run {run}, has {erp})";
    }

    // Every field but the key, field=value.
    private static string Values(IReadOnlyList<FieldValue> values, RecordTraceReport report) =>
        string.Join(' ', values.Where(v => report.Key.All(k => k.Field != v.Field)).Select(v => $"{v.Field}={Show(v.Value)}"));

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(empty)" : value;

    // Every line may hold ERP or portal text: it reaches the terminal only through Terminal.Safe.
    private static void Line(string text) => Console.WriteLine(Terminal.Safe(text));
}
