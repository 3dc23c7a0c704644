using Etl.Configuration;
using Etl.Tests.Support;

namespace Etl.Tests.Configuration;

public sealed class PipelineLoaderTests
{
    private const string FileName = "typo-pipeline.json";
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private PipelineDefinition Load(string json) => PipelineLoader.Load(_temp.Write(FileName, json));

    private ConfigurationException Fails(string json)
    {
        var path = _temp.Write(FileName, json);
        var e = Assert.Throws<ConfigurationException>(() => PipelineLoader.Load(path))!;
        Assert.That(e.Message, Does.Contain(FileName), "the message names the file");
        return e;
    }

    [Test]
    public void Load_ContractExample_ReadsEverything()
    {
        var pipeline = Load("""
            {
              "schedule": "0 2 * * *",
              "time_zone": "America/Chicago",
              "entities": {
                "inventory":   { "source": "drop" },
                "list_prices": { "source": "drop", "tolerances": { "list_price": 0.005 } },
                "costs":       { "source": "sql", "query": "SELECT sku, currency, unit_cost FROM portal.v_costs", "batch_size": 50,
                                 "guards": { "min_removed_to_stop": 3 } }
              },
              "orders": true,
              "batch_size": 1000,
              "guards": { "max_removed_percent": 20, "max_bad_row_percent": 1.5, "min_bad_rows_to_fail": 4, "min_removed_to_stop": 7 }
            }
            """);

        Assert.That(pipeline.Name, Is.EqualTo("typo-pipeline"));
        Assert.That(pipeline.Schedule, Is.EqualTo("0 2 * * *"));
        Assert.That(pipeline.TimeZone, Is.EqualTo("America/Chicago"));
        Assert.That(pipeline.Orders, Is.True);
        Assert.That(pipeline.Entities.Select(e => $"{e.Name}:{e.Source}"), Is.EqualTo(new[] { "inventory:drop", "list_prices:drop", "costs:sql" }));
        Assert.That(pipeline.Entities[1].Tolerances, Is.EqualTo(new Dictionary<string, decimal> { ["list_price"] = 0.005m }));
        Assert.That(pipeline.Entities[2].Query, Is.EqualTo("SELECT sku, currency, unit_cost FROM portal.v_costs"));
        Assert.That(pipeline.Entities[2].BatchSize, Is.EqualTo(50));
        Assert.That(pipeline.Entities[2].Guards, Is.EqualTo(new Dictionary<string, decimal> { ["min_removed_to_stop"] = 3 }));
        Assert.That(pipeline.Entities[0].BatchSize, Is.Null);
        Assert.That(pipeline.Settings, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["Outbound:BatchSize"] = "1000",
            ["Drop:MaxRemovedPercent"] = "20",
            ["Drop:MaxBadRowPercent"] = "1.5",
            ["Drop:MinBadRowsToFail"] = "4",
            ["Drop:MinRemovedToStop"] = "7",
        }));
    }

    [Test]
    public void Load_Minimal_DefaultsApply()
    {
        var pipeline = Load("""{ "entities": { "items": {} } }""");

        Assert.That(pipeline.Entities.Single().Source, Is.EqualTo("drop"));
        Assert.That(pipeline.Entities.Single().Tolerances, Is.Empty);
        Assert.That(pipeline.Orders, Is.False);
        Assert.That(pipeline.TimeZone, Is.Null);
        Assert.That(pipeline.Settings, Is.Empty);
    }

    [TestCase("""{ "entities": {}, "schedul": "0 2 * * *" }""", "schedul", TestName = "Load_UnknownTopLevelKey_NamesFileAndKey")]
    [TestCase("""{ "entities": { "inventory": { "source": "drop", "tolerance": {} } } }""", "entities.inventory.tolerance", TestName = "Load_UnknownEntityKey_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "guards": { "max_removed_pct": 5 } }""", "guards.max_removed_pct", TestName = "Load_UnknownGuardKey_NamesFileAndKey")]
    [TestCase("""{ "entities": { "costs": { "guards": { "max_bad_rows": 5 } } } }""", "entities.costs.guards.max_bad_rows", TestName = "Load_UnknownEntityGuardKey_NamesFileAndKey")]
    [TestCase("""{ "entities": { "invenTory": {} } }""", "invenTory", TestName = "Load_UnknownEntity_NamesFileAndEntity")]
    [TestCase("""{ "entities": { "orders": {} } }""", "orders", TestName = "Load_OrdersAsEntity_NamesFileAndEntity")]
    [TestCase("""{ "entities": { "inventory": { "source": "ftp" } } }""", "entities.inventory.source", TestName = "Load_BadSource_NamesFileAndKey")]
    [TestCase("""{ "entities": { "costs": { "source": "sql" } } }""", "entities.costs.query", TestName = "Load_SqlWithoutQuery_NamesFileAndKey")]
    [TestCase("""{ "entities": { "costs": { "source": "sql", "query": "  " } } }""", "entities.costs.query", TestName = "Load_SqlWithBlankQuery_NamesFileAndKey")]
    [TestCase("""{ "entities": { "costs": { "source": "drop", "query": "SELECT 1" } } }""", "entities.costs.query", TestName = "Load_DropWithQuery_NamesFileAndKey")]
    [TestCase("""{ "entities": { "items": { "tolerances": { "uom": 0.1 } } } }""", "entities.items.tolerances.uom", TestName = "Load_ToleranceOnTextField_NamesFileAndKey")]
    [TestCase("""{ "entities": { "items": { "tolerances": { "sku": 0.1 } } } }""", "entities.items.tolerances.sku", TestName = "Load_ToleranceOnKeyField_NamesFileAndKey")]
    [TestCase("""{ "entities": { "items": { "tolerances": { "active": 1 } } } }""", "entities.items.tolerances.active", TestName = "Load_ToleranceOnFlag_NamesFileAndKey")]
    [TestCase("""{ "entities": { "inventory": { "tolerances": { "qty_on_hand": 1 } } } }""", "entities.inventory.tolerances.qty_on_hand", TestName = "Load_ToleranceOnNonPortalField_NamesFileAndKey")]
    [TestCase("""{ "entities": { "list_prices": { "tolerances": { "price": 0.1 } } } }""", "entities.list_prices.tolerances.price", TestName = "Load_ToleranceOnUnknownField_NamesFileAndKey")]
    [TestCase("""{ "entities": { "list_prices": { "tolerances": { "list_price": -0.1 } } } }""", "entities.list_prices.tolerances.list_price", TestName = "Load_NegativeTolerance_NamesFileAndKey")]
    [TestCase("""{ "entities": { "list_prices": { "tolerances": { "list_price": "0.1" } } } }""", "entities.list_prices.tolerances.list_price", TestName = "Load_ToleranceAsText_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "batch_size": 0 }""", "batch_size", TestName = "Load_ZeroBatchSize_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "batch_size": -5 }""", "batch_size", TestName = "Load_NegativeBatchSize_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "batch_size": 2.5 }""", "batch_size", TestName = "Load_FractionalBatchSize_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "batch_size": "1000" }""", "batch_size", TestName = "Load_BatchSizeAsText_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "batch_size": 3000000000 }""", "batch_size", TestName = "Load_BatchSizeTooLarge_NamesFileAndKey")]
    [TestCase("""{ "entities": { "items": { "batch_size": 0 } } }""", "entities.items.batch_size", TestName = "Load_ZeroEntityBatchSize_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "guards": { "max_removed_percent": 101 } }""", "guards.max_removed_percent", TestName = "Load_PercentAboveHundred_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "guards": { "max_bad_row_percent": -1 } }""", "guards.max_bad_row_percent", TestName = "Load_NegativePercent_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "guards": { "min_removed_to_stop": 2.5 } }""", "guards.min_removed_to_stop", TestName = "Load_FractionalMinimum_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "guards": { "min_bad_rows_to_fail": true } }""", "guards.min_bad_rows_to_fail", TestName = "Load_MinimumAsBoolean_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "guards": [] }""", "guards", TestName = "Load_GuardsNotAnObject_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "time_zone": "Mars/Olympus_Mons" }""", "time_zone", TestName = "Load_UnknownTimeZone_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "time_zone": 5 }""", "time_zone", TestName = "Load_TimeZoneNotText_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "orders": "yes" }""", "orders", TestName = "Load_OrdersNotBoolean_NamesFileAndKey")]
    [TestCase("""{ "entities": {}, "schedule": 2 }""", "schedule", TestName = "Load_ScheduleNotText_NamesFileAndKey")]
    [TestCase("""{ "entities": [] }""", "entities", TestName = "Load_EntitiesNotAnObject_NamesFileAndKey")]
    [TestCase("""{ "entities": { "items": "drop" } }""", "entities.items", TestName = "Load_EntityNotAnObject_NamesFileAndKey")]
    [TestCase("""{ "orders": true }""", "entities", TestName = "Load_NoEntities_NamesFileAndKey")]
    [TestCase("""[ 1, 2 ]""", "top level", TestName = "Load_NotAnObject_NamesFile")]
    public void Load_BadPipeline_ConfigurationExceptionNamingFileAndKey(string json, string key)
    {
        var e = Fails(json);

        Assert.That(e.Message, Does.Contain(key));
    }

    [Test]
    public void Load_EntityNamedTwice_NamesFileAndEntity()
    {
        var e = Fails("""{ "entities": { "inventory": {}, "items": {}, "inventory": { "source": "drop" } } }""");

        Assert.That(e.Message, Does.Contain("inventory"));
    }

    [Test]
    public void Load_UnknownKey_MessageListsTheAllowedKeys()
    {
        var e = Fails("""{ "entities": {}, "batchsize": 10 }""");

        Assert.That(e.Message, Does.Contain("'batchsize'").And.Contain("batch_size"));
    }

    [Test]
    public void Load_ToleranceOnNonNumericField_MessageListsTheNumericPortalFields()
    {
        var e = Fails("""{ "entities": { "inventory": { "tolerances": { "qty_on_hand": 1 } } } }""");

        Assert.That(e.Message, Does.Contain("qty_available"));
    }

    [TestCase("""{ "entities": { "inventory": {} }""", TestName = "Load_UnclosedObject_InvalidJsonNamingFileAndLine")]
    [TestCase("""{ "entities": { "inventory": { "source": drop } } }""", TestName = "Load_UnquotedValue_InvalidJsonNamingFileAndLine")]
    [TestCase("", TestName = "Load_EmptyFile_InvalidJsonNamingFile")]
    public void Load_InvalidJson_ConfigurationExceptionNamingTheFile(string json)
    {
        var e = Fails(json);

        Assert.That(e.Message, Does.Contain("not valid JSON"));
    }

    [Test]
    public void Load_InvalidJsonOnLineThree_MessageNamesLineThree()
    {
        var e = Fails("{\n  \"entities\": {},\n  \"orders\": tru\n}");

        Assert.That(e.Message, Does.Contain("line 3"));
    }

    [Test]
    public void Load_CommentsAndTrailingCommas_Accepted()
    {
        var pipeline = Load("{\n  // nightly\n  \"entities\": { \"items\": {}, },\n}");

        Assert.That(pipeline.Entities.Single().Name, Is.EqualTo("items"));
    }

    [Test]
    public void Resolve_NameUnderPipelinesFolder_FullPath()
    {
        var path = _temp.Write(Path.Combine("pipelines", "nightly.json"), "{}");

        Assert.That(PipelineLoader.Resolve("nightly", _temp.Path), Is.EqualTo(Path.GetFullPath(path)));
    }

    [Test]
    public void Resolve_UnknownName_ListsTheKnownPipelines()
    {
        _temp.Write(Path.Combine("pipelines", "nightly.json"), "{}");
        _temp.Write(Path.Combine("pipelines", "intraday.json"), "{}");

        var e = Assert.Throws<ConfigurationException>(() => PipelineLoader.Resolve("weekly", _temp.Path));

        Assert.That(e!.Message, Does.Contain("weekly").And.Contain("intraday, nightly"));
    }

    [Test]
    public void Resolve_MissingPath_NamesThePath()
    {
        var e = Assert.Throws<ConfigurationException>(() => PipelineLoader.Resolve("pipelines/none.json", _temp.Path));

        Assert.That(e!.Message, Does.Contain("pipelines/none.json"));
    }

    [Test]
    public void Load_RepositoryPipelines_Load()
    {
        var root = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", ".."));
        var files = Directory.GetFiles(Path.Combine(root, "pipelines"), "*.json");

        Assert.That(files, Is.Not.Empty);
        foreach (var file in files) Assert.That(PipelineLoader.Load(file).Entities, Is.Not.Empty, file);
    }
}
