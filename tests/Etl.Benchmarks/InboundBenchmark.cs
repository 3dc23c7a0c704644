using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Etl.PortalSandbox;
using Microsoft.Data.Sqlite;

namespace Etl.Benchmarks;

/// <summary>
/// The inbound benchmark: N approved portal orders in the sandbox portal (hosted in this process, no faults, no rate
/// limit), imported into a fresh embedded ERP by <c>etl run</c> (a child process, start-up included), then checked:
/// every order created exactly once, with its lines, and the portal knowing each ERP number. The client's own rate
/// limiter stays in the path, set to <see cref="ClientRequestsPerSecond"/> unless --etl-env sets it, so that it never
/// binds; the breakdown (HTTP, matching, ERP writes, ledger) comes from the import's own "orders: timings" log line.
/// </summary>
internal static class InboundBenchmark
{
    /// <summary>Portal:RequestsPerSecond for the etl child: the setting's maximum, far above what the import reaches.</summary>
    public const string ClientRequestsPerSecond = "10000";

    private const string RequestsPerSecondVariable = "ETL_Portal__RequestsPerSecond";
    private const string ApiKey = "bench-key";
    private const string Account = "ACC-BENCH";
    private const int Skus = 50;
    private static readonly TimeSpan Timeout = TimeSpan.FromHours(1);

    private static readonly string[] PhaseNames =
    [
        "start-up: process start to the order pull's first line",
        "import: \"orders: pulling\" to \"orders: pulled ...\"",
        "run end: reports, run history, \"Run ... finished\"",
        "exit: \"Run ... finished\" to process exit",
    ];

    public static async Task<int> RunAsync(Options options)
    {
        options.Only("--orders", "--rounds", "--work-dir", "--etl-env", "--keep");
        var orders = (int)options.Long("--orders", 10_000);
        var rounds = (int)options.Long("--rounds", 1);
        var work = Path.GetFullPath(options.String("--work-dir") ?? Path.Combine(Path.GetTempPath(), $"etl-bench-inbound-{orders}"));
        var etlEnvironment = OutboundBenchmark.EtlEnvironment(options.All("--etl-env"));
        etlEnvironment.TryAdd(RequestsPerSecondVariable, ClientRequestsPerSecond);
        var tools = Tools.Locate();
        Report.Line($"inbound benchmark: {orders:N0} approved orders, {rounds} round(s), {Environment.ProcessorCount} cores, work dir {work}");
        Report.Line($"sandbox without faults or rate limit; the etl client's own limiter at {etlEnvironment[RequestsPerSecondVariable]} calls/s (Portal:RequestsPerSecond)");
        if (tools.DebugBuild) Report.Line("WARNING: this is a Debug build; run with -c Release for figures worth quoting.");
        if (etlEnvironment.Count > 0) Report.Line($"etl child environment: {string.Join(' ', etlEnvironment.Select(e => $"{e.Key}={e.Value}"))}");

        var walls = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            walls.Add(await RoundAsync(tools, work, orders, round, etlEnvironment));
        }
        walls.Sort();
        var median = walls.Count % 2 == 1 ? walls[walls.Count / 2] : (walls[(walls.Count / 2) - 1] + walls[walls.Count / 2]) / 2;
        Report.Line("");
        Report.Line($"median of {rounds} round(s): {median:0.00} s, {orders / median:N0} orders/s (whole etl process, start-up included)");
        if (!options.Has("--keep")) Directory.Delete(work, recursive: true);
        return 0;
    }

    private static async Task<double> RoundAsync(Tools tools, string work, int count, int round, Dictionary<string, string?> extraEnvironment)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var data = Path.Combine(work, "data");
        Directory.CreateDirectory(data);
        await using var sandbox = await Etl.PortalSandbox.PortalSandbox.StartAsync(new SandboxOptions
        {
            Urls = "http://127.0.0.1:0",
            StateFile = Path.Combine(work, "portal.db"),
            ApiKey = ApiKey,
            TimeZone = "UTC",
        });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        SeedErp(data);
        var seeded = await SeedPortalAsync(http, count);
        var pipeline = Path.Combine(work, "orders-only.json");
        File.WriteAllText(pipeline, """{ "entities": {}, "orders": true }""");

        var environment = new Dictionary<string, string?>(extraEnvironment)
        {
            ["ETL_Portal__BaseUrl"] = sandbox.BaseAddress.ToString(),
            ["ETL_Portal__ApiKey"] = ApiKey,
            ["ETL_Portal__TimeZone"] = "UTC",
            ["ETL_Orders__SettleLag"] = "00:00:00",
            ["ETL_Log__Format"] = "json",
        };
        var load = ChildProcess.LoadAverage();
        var run = await ChildProcess.RunAsync([tools.EtlDll, "run", pipeline, "--data-root", data], tools.RepositoryRoot, environment, Timeout);
        if (run.ExitCode != 0) throw new BenchmarkFailedException($"the etl run failed: {run}");

        var report = Directory.GetDirectories(Path.Combine(data, "reports")).Single();
        var counts = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "summary.json")))!["orders"]!;
        foreach (var (name, expected) in new[] { ("pulled", count), ("created", count), ("back_updated", count), ("linked", 0), ("review", 0), ("failed", 0), ("invalid", 0), ("out_of_scope", 0), ("skipped_status", 0) })
        {
            var actual = counts[name]!.GetValue<long>();
            if (actual != expected) throw new BenchmarkFailedException($"summary.json says orders.{name} = {actual}, expected {expected} ({counts.ToJsonString()})");
        }
        var erpNumbers = CheckErp(data, seeded);
        await CheckPortalAsync(http, erpNumbers);
        var requests = (await GetAsync(http, "sandbox/requests"))["requests"]!.AsObject();

        Report.Line($"round {round}: {Report.Seconds(run.Wall)}, {Report.Rate(count, run.Wall)} orders/s, etl cpu {Report.Seconds(run.Cpu)}, peak {Report.MiB(run.PeakBytes)} (load average {load}); "
            + $"{count:N0} orders created exactly once with their {seeded.Values.Sum():N0} lines, the portal knows every ERP number");
        Report.Line($"  summary.json orders: {counts.ToJsonString()}");
        Report.Line("  portal calls (sandbox request counts): " + string.Join(", ", requests.Select(r => $"{r.Key} {r.Value!.ToJsonString()}")));
        var phases = Phases(run);
        Report.Line("  etl's phases from its log timestamps:");
        foreach (var name in PhaseNames) Report.Line($"    {name,-56} {(phases.TryGetValue(name, out var s) ? $"{s,7:0.00} s" : "n/a")}");
        if (phases.TryGetValue(PhaseNames[1], out var import) && import > 0) Report.Line($"    import alone: {count / import:N0} orders/s");
        ReportTimings(run);
        return run.Wall.TotalSeconds;
    }

    /// <summary>The contract's ERP tables (CONTRACTS.md section 5), one approved customer and the SKUs the orders use.</summary>
    private static void SeedErp(string data)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "erp.db")};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var sql = new StringBuilder("""
            CREATE TABLE customers(customer_no TEXT PRIMARY KEY, name TEXT, portal_account_id TEXT UNIQUE NULL, approved INTEGER,
                price_list TEXT, discount_group TEXT);
            CREATE TABLE items(sku TEXT PRIMARY KEY, description TEXT, uom TEXT, product_class TEXT, weight_kg NUMERIC, active INTEGER);
            CREATE TABLE sales_orders(erp_order_no TEXT PRIMARY KEY, customer_no TEXT, customer_po TEXT, portal_order_id TEXT UNIQUE NULL,
                status TEXT, currency TEXT, order_date TEXT, total NUMERIC, source TEXT);
            CREATE TABLE sales_order_lines(erp_order_no TEXT, line_no INTEGER, sku TEXT, qty INTEGER, unit_price NUMERIC,
                PRIMARY KEY(erp_order_no, line_no));
            INSERT INTO customers VALUES ('C-BENCH', 'Benchmark Trading', 'ACC-BENCH', 1, 'TRADE', 'DG-A');
            """);
        for (var i = 1; i <= Skus; i++) sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO items VALUES ('{Sku(i)}', 'Item {i}', 'EA', 'PARTS', 0.5, 1);\n");
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.ToString();
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static string Sku(int i) => "SKU-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static string OrderId(int i) => "P-" + i.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Seeds the approved orders (updated ten minutes ago, inside the first run's window); returns id → line count.</summary>
    private static async Task<Dictionary<string, int>> SeedPortalAsync(HttpClient http, int count)
    {
        var random = new Random(6);
        var at = DateTime.UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var seeded = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var first = 1; first <= count; first += 500)
        {
            var batch = new JsonArray();
            for (var i = first; i < first + 500 && i <= count; i++)
            {
                var lines = new JsonArray();
                var lineCount = random.Next(1, 4);
                for (var l = 1; l <= lineCount; l++)
                {
                    lines.Add(new JsonObject { ["line_no"] = l, ["sku"] = Sku(random.Next(1, Skus + 1)), ["qty"] = random.Next(1, 20), ["unit_price"] = random.Next(100, 10_000) / 100m });
                }
                batch.Add(new JsonObject
                {
                    ["id"] = OrderId(i), ["account_id"] = Account, ["customer_po"] = "PO-" + i.ToString("D7", CultureInfo.InvariantCulture),
                    ["status"] = "ACKNOWLEDGED", ["currency"] = "EUR", ["created_at"] = at, ["updated_at"] = at, ["lines"] = lines,
                });
                seeded[OrderId(i)] = lineCount;
            }
            using var response = await http.PostAsync("sandbox/orders", new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"));
            if (!response.IsSuccessStatusCode) throw new BenchmarkFailedException($"seeding the sandbox: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return seeded;
    }

    /// <summary>Each seeded order is one ERP order created by the import, with all its lines; returns portal id → ERP number.</summary>
    private static Dictionary<string, string> CheckErp(string data, Dictionary<string, int> seeded)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "erp.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT o.portal_order_id, o.erp_order_no, o.source, (SELECT count(*) FROM sales_order_lines l WHERE l.erp_order_no = o.erp_order_no)
            FROM sales_orders o
            """;
        var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var portalId = reader.IsDBNull(0) ? null : reader.GetString(0);
            if (portalId is null || !seeded.TryGetValue(portalId, out var lines)) throw new BenchmarkFailedException($"the ERP has an order {reader.GetString(1)} for no seeded portal order ({portalId ?? "null"})");
            if (!numbers.TryAdd(portalId, reader.GetString(1))) throw new BenchmarkFailedException($"portal order {portalId} was created twice in the ERP");
            if (reader.GetString(2) != "portal") throw new BenchmarkFailedException($"ERP order {reader.GetString(1)} has source '{reader.GetString(2)}'");
            if (reader.GetInt64(3) != lines) throw new BenchmarkFailedException($"ERP order {reader.GetString(1)} has {reader.GetInt64(3)} lines, the portal order {lines}");
        }
        if (numbers.Count != seeded.Count) throw new BenchmarkFailedException($"the ERP has {numbers.Count} of the {seeded.Count} orders");
        return numbers;
    }

    /// <summary>Pages through every portal order: each carries the ERP number the ERP gave it.</summary>
    private static async Task CheckPortalAsync(HttpClient http, Dictionary<string, string> erpNumbers)
    {
        var seen = 0;
        string? cursor = null;
        do
        {
            var page = await GetAsync(http, "api/v1/orders?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var order in page["orders"]!.AsArray())
            {
                var id = order!["id"]!.GetValue<string>();
                var number = order["erp_order_no"]?.GetValue<string>();
                if (!erpNumbers.TryGetValue(id, out var expected) || number != expected)
                {
                    throw new BenchmarkFailedException($"portal order {id} has erp_order_no {number ?? "null"}, the ERP says {expected ?? "none"}");
                }
                seen++;
            }
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        if (seen != erpNumbers.Count) throw new BenchmarkFailedException($"the portal lists {seen} orders, {erpNumbers.Count} were seeded");
    }

    private static async Task<JsonNode> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new BenchmarkFailedException($"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Prints the import's own counters from its "orders: timings" log line: per stage the busy time (wall time with at
    /// least one operation of it in flight) and its share of the import's wall time.
    /// </summary>
    private static void ReportTimings(ChildResult run)
    {
        var state = LogEntries(run).FirstOrDefault(e => e["Message"]?.GetValue<string>().StartsWith("orders: timings", StringComparison.Ordinal) == true)?["State"];
        if (state is null)
        {
            Report.Line("  the import logged no \"orders: timings\" line: no breakdown");
            return;
        }
        double N(string name) => state[name] is { } node ? double.Parse(node.ToString(), CultureInfo.InvariantCulture) : double.NaN;
        var c = CultureInfo.InvariantCulture;
        Report.Line(string.Create(c, $"  the import's own counters: {N("ImportSeconds"):0.00} s, {N("OrdersPerSecond"):N0} orders/s; share of its wall time (busy time; stages overlap):"));
        Report.Line(string.Create(c, $"    HTTP          {N("HttpSeconds"),7:0.00} s {N("HttpShare"),5:0}%   {N("PageReads"):N0} page reads {N("PullSeconds"):0.00} s, {N("BackUpdateCalls"):N0} back-updates {N("BackUpdateSeconds"):0.00} s ({N("BackUpdateSummedSeconds"):0.00} s summed over concurrent calls)"));
        Report.Line(string.Create(c, $"    matching      {N("MatchingSeconds"),7:0.00} s {N("MatchingShare"),5:0}%   ERP lookups {N("LookupSeconds"):0.00} s in {N("LookupQueries"):N0} queries, decisions {N("DecisionSeconds"):0.00} s"));
        Report.Line(string.Create(c, $"    ERP writes    {N("ErpWriteSeconds"),7:0.00} s {N("ErpWriteShare"),5:0}%   {N("ErpTransactions"):N0} transactions"));
        Report.Line(string.Create(c, $"    order ledger  {N("LedgerSeconds"),7:0.00} s {N("LedgerShare"),5:0}%   {N("LedgerCommits"):N0} commits (state/etl.db)"));
    }

    private static IEnumerable<JsonNode> LogEntries(ChildResult run)
    {
        foreach (var line in run.Stdout.Split('\n'))
        {
            if (!line.StartsWith('{')) continue;
            JsonNode? entry;
            try
            {
                entry = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }
            if (entry is not null) yield return entry;
        }
    }

    private static Dictionary<string, double> Phases(ChildResult run)
    {
        DateTimeOffset? pulling = null, pulled = null, finished = null;
        foreach (var entry in LogEntries(run))
        {
            if (entry["Message"]?.GetValue<string>() is not { } message || entry["Timestamp"]?.GetValue<string>() is not { } stamp) continue;
            var at = DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            if (message.StartsWith("orders: pulling", StringComparison.Ordinal)) pulling ??= at;
            else if (message.StartsWith("orders: pulled", StringComparison.Ordinal)) pulled ??= at;
            else if (message.StartsWith("Run ", StringComparison.Ordinal) && message.Contains(" finished", StringComparison.Ordinal)) finished ??= at;
        }
        var phases = new Dictionary<string, double>();
        void Add(int index, DateTimeOffset? from, DateTimeOffset? to)
        {
            if (from is { } f && to is { } t) phases[PhaseNames[index]] = (t - f).TotalSeconds;
        }
        Add(0, run.StartedAt, pulling);
        Add(1, pulling, pulled);
        Add(2, pulled, finished);
        Add(3, finished, run.StartedAt + run.Wall);
        return phases;
    }
}
