namespace Etl.Reliability.Tests.Configuration;

/// <summary>
/// One bad configuration: a pipeline file, an appsettings.json or ETL_ variables, and what stderr must name (the file
/// or variable, and the key).
/// </summary>
public sealed record BadConfiguration(string Name)
{
    /// <summary>The pipeline file's text (written as broken.json and passed by path); null: a good pipeline.</summary>
    public string? Pipeline { get; init; }

    /// <summary>appsettings.json in the working directory; null: none (the defaults).</summary>
    public string? AppSettings { get; init; }

    /// <summary>ETL_ variables for the run.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Texts stderr must contain.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>A known defect: the test is ignored with this reason.</summary>
    public string? Defect { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Bad pipeline files, bad appsettings.json files and bad ETL_ variables.</summary>
public static class BadConfigurations
{
    private const string Good = """{ "entities": { "inventory": { "source": "drop" } } }""";

    /// <summary>Every case.</summary>
    public static IEnumerable<BadConfiguration> All() => [.. Pipelines(), .. AppSettings(), .. Variables()];

    /// <summary>As test cases, known defects ignored.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        All().Select(c =>
        {
            var data = new TestCaseData(c).SetArgDisplayNames(c.Name);
            return c.Defect is null ? data : data.Ignore(c.Defect);
        });

    private static IEnumerable<BadConfiguration> Pipelines()
    {
        BadConfiguration P(string name, string json, params string[] key) => new("pipeline: " + name) { Pipeline = json, Names = ["broken.json", .. key] };

        yield return P("an unknown key at the top level", """{ "entities": { "inventory": { "source": "drop" } }, "batchsize": 10 }""", "'batchsize'");
        yield return P("an unknown entity under entities", """{ "entities": { "inventroy": { "source": "drop" } } }""", "'inventroy'");
        yield return P("an unknown key in an entity", """{ "entities": { "inventory": { "source": "drop", "tolerance": { "qty_available": 1 } } } }""", "entities.inventory.tolerance");
        yield return P("an unknown key in the top-level guards", """{ "entities": { "inventory": { "source": "drop" } }, "guards": { "max_removed_pct": 5 } }""", "guards.max_removed_pct");
        yield return P("an unknown key in an entity's guards", """{ "entities": { "inventory": { "source": "drop", "guards": { "min_bad_rows": 5 } } } }""", "entities.inventory.guards.min_bad_rows");
        yield return P("an unknown field in tolerances", """{ "entities": { "list_prices": { "source": "drop", "tolerances": { "listprice": 0.01 } } } }""", "entities.list_prices.tolerances.listprice");
        yield return P("a bad source", """{ "entities": { "inventory": { "source": "ftp" } } }""", "entities.inventory.source", "drop or sql");
        yield return P("a sql entity without a query", """{ "entities": { "costs": { "source": "sql" } } }""", "entities.costs.query");
        yield return P("a sql entity with a blank query", """{ "entities": { "costs": { "source": "sql", "query": "   " } } }""", "entities.costs.query");
        yield return P("a query on a drop entity", """{ "entities": { "costs": { "source": "drop", "query": "SELECT 1" } } }""", "entities.costs.query");
        yield return P("a tolerance on a key field", """{ "entities": { "list_prices": { "source": "drop", "tolerances": { "sku": 0.01 } } } }""", "entities.list_prices.tolerances.sku");
        yield return P("a tolerance on a text field", """{ "entities": { "items": { "source": "drop", "tolerances": { "description": 1 } } } }""", "entities.items.tolerances.description");
        yield return P("a negative tolerance", """{ "entities": { "list_prices": { "source": "drop", "tolerances": { "list_price": -0.01 } } } }""", "entities.list_prices.tolerances.list_price");
        yield return P("a negative batch_size", """{ "entities": { "inventory": { "source": "drop" } }, "batch_size": -5 }""", "batch_size");
        yield return P("a negative batch_size in an entity", """{ "entities": { "inventory": { "source": "drop", "batch_size": -1 } } }""", "entities.inventory.batch_size");
        yield return P("a batch_size of 0", """{ "entities": { "inventory": { "source": "drop" } }, "batch_size": 0 }""", "batch_size");
        yield return P("a batch_size written as text", """{ "entities": { "inventory": { "source": "drop" } }, "batch_size": "100" }""", "batch_size");
        yield return P("a guard percent above 100", """{ "entities": { "inventory": { "source": "drop" } }, "guards": { "max_removed_percent": 150 } }""", "guards.max_removed_percent");
        yield return P("orders not a boolean", """{ "entities": { "inventory": { "source": "drop" } }, "orders": "yes" }""", "orders");
        yield return P("an unknown time_zone", """{ "time_zone": "Mars/Olympus_Mons", "entities": { "inventory": { "source": "drop" } } }""", "time_zone", "Mars/Olympus_Mons");
        yield return P("no entities", """{ "orders": true }""", "'entities'");
        yield return P("an entity given twice", """{ "entities": { "inventory": { "source": "drop" }, "inventory": { "source": "sql", "query": "SELECT 1" } } }""", "entities.inventory");
        yield return P("invalid JSON (a missing brace)", """{ "entities": { "inventory": { "source": "drop" } """, "not valid JSON", "line");
        yield return P("an array instead of an object", """[ "inventory" ]""", "top level");
    }

    private static IEnumerable<BadConfiguration> AppSettings()
    {
        BadConfiguration A(string name, string json, params string[] key) => new("appsettings.json: " + name) { AppSettings = json, Names = ["appsettings.json", .. key] };

        yield return A("a bad duration", """{ "Drop": { "SettleTime": "2 seconds" } }""", "Drop:SettleTime", "hh:mm:ss");
        yield return A("a duration out of range", """{ "Portal": { "Timeout": "02:00:00" } }""", "Portal:Timeout");
        yield return A("a negative duration", """{ "Orders": { "Lookback": "-00:15:00" } }""", "Orders:Lookback");
        yield return A("a duration without hh:mm:ss (60)", """{ "Orders": { "SettleLag": "60" } }""", "Orders:SettleLag", "hh:mm:ss");
        yield return A("a bad number", """{ "Outbound": { "BatchSize": "1,000" } }""", "Outbound:BatchSize", "whole number");
        yield return A("a bad decimal", """{ "Drop": { "MaxBadRowPercent": "one" } }""", "Drop:MaxBadRowPercent", "number");
        yield return A("a number out of range", """{ "Portal": { "MaxAttempts": 0 } }""", "Portal:MaxAttempts");
        yield return A("an unknown ERP provider", """{ "Erp": { "Provider": "oracle" } }""", "Erp:Provider", "sqlite or sqlserver");
        yield return A("Portal:BaseUrl without a scheme", """{ "Portal": { "BaseUrl": "portal.example.com" } }""", "Portal:BaseUrl", "http");
        yield return A("Portal:BaseUrl with another scheme", """{ "Portal": { "BaseUrl": "ftp://portal.example.com/" } }""", "Portal:BaseUrl", "http");
        yield return A("an unknown Portal:TimeZone", """{ "Portal": { "TimeZone": "Mars/Olympus_Mons" } }""", "Portal:TimeZone", "Mars/Olympus_Mons");
        yield return A("an unknown Log:Format", """{ "Log": { "Format": "xml" } }""", "Log:Format");
        yield return A("invalid JSON (a missing brace)", """{ "Drop": { "SettleTime": "00:00:05" } """, "not valid JSON", "line");
        yield return A("a section given a plain value", """{ "Drop": "fast" }""", "Drop");
    }

    private static IEnumerable<BadConfiguration> Variables()
    {
        BadConfiguration E(string variable, string value, params string[] key) =>
            new($"{variable}={value}") { Environment = new Dictionary<string, string> { [variable] = value }, Names = ["environment variable " + variable, .. key] };

        yield return E("ETL_Outbound__BatchSize", "abc", "Outbound:BatchSize");
        yield return E("ETL_Portal__Timeout", "30s", "Portal:Timeout");
        yield return E("ETL_Drop__MaxRemovedPercent", "150", "Drop:MaxRemovedPercent");
        yield return E("ETL_Erp__Provider", "oracle", "Erp:Provider");
        yield return E("ETL_Portal__BaseUrl", "localhost:5080", "Portal:BaseUrl");
        yield return E("ETL_Portal__TimeZone", "Mars/Olympus_Mons", "Portal:TimeZone");
        yield return E("ETL_Orders__Lookback", "15", "Orders:Lookback");
    }

    /// <summary>The pipeline used when the case is not about the pipeline.</summary>
    public static string GoodPipeline => Good;
}
