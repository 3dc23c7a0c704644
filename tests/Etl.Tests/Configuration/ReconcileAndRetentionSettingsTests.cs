using Etl.Configuration;
using Etl.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Etl.Tests.Configuration;

/// <summary>A pipeline's "reconcile" list and the Retention settings: read strictly, bad ones named.</summary>
public sealed class ReconcileAndRetentionSettingsTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Load_ReconcileList_ReadInOrder()
    {
        var pipeline = PipelineLoader.Load(_temp.Write("weekly.json", """{ "entities": {}, "reconcile": ["inventory", "list_prices"] }"""));

        Assert.That(pipeline.Reconcile, Is.EqualTo(new[] { "inventory", "list_prices" }));
        Assert.That(PipelineLoader.Load(_temp.Write("plain.json", """{ "entities": {} }""")).Reconcile, Is.Empty);
    }

    [TestCase("""["inventroy"]""", "unknown entity 'inventroy' under 'reconcile'")]
    [TestCase("""["orders"]""", "unknown entity 'orders' under 'reconcile'")]
    [TestCase("""["inventory", "inventory"]""", "lists 'inventory' more than once")]
    [TestCase("\"inventory\"", "reconcile must be a JSON array")]
    [TestCase("[1]", "reconcile must list entity names as strings")]
    public void Load_BadReconcile_NamesFileAndKey(string value, string message)
    {
        var path = _temp.Write("weekly.json", $$"""{ "entities": {}, "reconcile": {{value}} }""");

        var e = Assert.Throws<ConfigurationException>(() => PipelineLoader.Load(path))!;

        Assert.That(e.Message, Does.Contain("weekly.json").And.Contain(message));
    }

    [Test]
    public void Bind_Nothing_RetentionDefaults()
    {
        var retention = SettingsBinder.Bind(new ConfigurationBuilder().Build()).Retention;

        Assert.That((retention.Snapshots, retention.SentPayloads, retention.Reports, retention.ProcessedDrops, retention.Ledger), Is.EqualTo((30, 30, 90, 30, 90)));
    }

    [TestCase("Snapshots", "0")]
    [TestCase("Ledger", "-1")]
    [TestCase("Reports", "ninety")]
    public void Bind_BadRetention_NamesFileAndKey(string key, string value)
    {
        var file = _temp.Write("appsettings.json", $$"""{ "Retention": { "{{key}}": "{{value}}" } }""");
        var configuration = new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).Build();

        var e = Assert.Throws<ConfigurationException>(() => SettingsBinder.Bind(configuration))!;

        Assert.That(e.Message, Does.Contain("appsettings.json").And.Contain("Retention:" + key));
    }
}
