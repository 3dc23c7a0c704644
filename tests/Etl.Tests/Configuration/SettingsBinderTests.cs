using Etl.Configuration;
using Etl.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Etl.Tests.Configuration;

/// <summary>Settings from appsettings.json, a pipeline, ETL_ environment variables; sets and restores the variables it uses.</summary>
[NonParallelizable]
public sealed class SettingsBinderTests
{
    private static readonly string[] Variables =
        ["ETL_Drop__SettleTime", "ETL_Outbound__BatchSize", "ETL_Drop__MaxRemovedPercent", "ETL_Portal__Timeout", "ETL_Erp__Provider", "ETL_DataRoot", "ETL_Drop__MinBadRowsToFail"];

    private TempFolder _temp = null!;
    private Dictionary<string, string?> _saved = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
        _temp.Dispose();
    }

    private IConfigurationRoot Configuration(string? appsettings = null, IReadOnlyDictionary<string, string?>? pipeline = null)
    {
        var builder = new ConfigurationBuilder();
        if (appsettings is not null) builder.AddJsonFile(_temp.Write("appsettings.json", appsettings), optional: false, reloadOnChange: false);
        if (pipeline is not null) builder.Add(new NamedConfigurationSource("pipelines/nightly.json", pipeline));
        builder.AddEnvironmentVariables(SettingsBinder.EnvironmentPrefix);
        return builder.Build();
    }

    private static ConfigurationException Fails(IConfigurationRoot configuration) =>
        Assert.Throws<ConfigurationException>(() => SettingsBinder.Bind(configuration))!;

    [Test]
    public void Bind_Nothing_ContractDefaults()
    {
        var settings = SettingsBinder.Bind(Configuration());

        Assert.That(settings.DataRoot, Is.EqualTo("./data"));
        Assert.That(settings.Drop.SettleTime, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That((settings.Drop.MaxBadRowPercent, settings.Drop.MinBadRowsToFail), Is.EqualTo((1m, 10)));
        Assert.That((settings.Drop.MaxRemovedPercent, settings.Drop.MinRemovedToStop), Is.EqualTo((20m, 10)));
        Assert.That(settings.Outbound.BatchSize, Is.EqualTo(1000));
        Assert.That(settings.Portal.BaseUrl, Is.Empty);
        Assert.That(settings.Portal.ApiKey, Is.EqualTo("sandbox-key"));
        Assert.That(settings.Portal.TimeZone, Is.EqualTo("UTC"));
        Assert.That((settings.Portal.Timeout, settings.Portal.MaxAttempts, settings.Portal.MaxRetryDelay), Is.EqualTo((TimeSpan.FromSeconds(30), 6, TimeSpan.FromSeconds(30))));
        Assert.That((settings.Orders.Lookback, settings.Orders.SettleLag, settings.Orders.InitialLookback), Is.EqualTo((TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7))));
        Assert.That(settings.Orders.ImportStatuses, Is.EqualTo("ACKNOWLEDGED"));
        Assert.That((settings.Erp.Provider, settings.Erp.OrderNumberPrefix), Is.EqualTo(("sqlite", "WEB-")));
    }

    [Test]
    public void Bind_Precedence_EnvironmentOverPipelineOverAppsettings()
    {
        Environment.SetEnvironmentVariable("ETL_Outbound__BatchSize", "7");

        var settings = SettingsBinder.Bind(Configuration(
            """{ "Outbound": { "BatchSize": 5 }, "Drop": { "MaxRemovedPercent": 30, "SettleTime": "00:00:10" } }""",
            new Dictionary<string, string?> { ["Outbound:BatchSize"] = "6", ["Drop:MaxRemovedPercent"] = "25" }));

        Assert.That(settings.Outbound.BatchSize, Is.EqualTo(7));
        Assert.That(settings.Drop.MaxRemovedPercent, Is.EqualTo(25m));
        Assert.That(settings.Drop.SettleTime, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Bind_DurationWithDays_Parsed()
    {
        Environment.SetEnvironmentVariable("ETL_Drop__SettleTime", "1.00:00:00");

        Assert.That(SettingsBinder.Bind(Configuration()).Drop.SettleTime, Is.EqualTo(TimeSpan.FromDays(1)));
    }

    [TestCase("abc")]
    [TestCase("5s")]
    [TestCase("00:00:61")]
    [TestCase("-00:00:05")]
    public void Bind_BadTimeSpanFromEnvironment_NamesTheVariableAndKey(string value)
    {
        Environment.SetEnvironmentVariable("ETL_Drop__SettleTime", value);

        var e = Fails(Configuration());

        Assert.That(e.Message, Does.Contain("environment variable ETL_Drop__SettleTime").And.Contain("Drop:SettleTime").And.Contain(value));
        Assert.That(e.Message, Does.Contain("hh:mm:ss"));
    }

    [TestCase("ten")]
    [TestCase("1.5")]
    [TestCase("1,000")]
    public void Bind_BadIntFromEnvironment_NamesTheVariableAndKey(string value)
    {
        Environment.SetEnvironmentVariable("ETL_Outbound__BatchSize", value);

        var e = Fails(Configuration());

        Assert.That(e.Message, Does.Contain("environment variable ETL_Outbound__BatchSize").And.Contain("Outbound:BatchSize").And.Contain("whole number"));
    }

    [Test]
    public void Bind_BadValueInJsonFile_NamesTheFileAndKey()
    {
        var e = Fails(Configuration("""{ "Portal": { "Timeout": "thirty seconds" } }"""));

        Assert.That(e.Message, Does.Contain("appsettings.json").And.Contain("Portal:Timeout").And.Not.Contain("environment variable"));
    }

    [Test]
    public void Bind_BadValueInPipeline_NamesThePipelineAndKey()
    {
        var e = Fails(Configuration(pipeline: new Dictionary<string, string?> { ["Outbound:BatchSize"] = "many" }));

        Assert.That(e.Message, Does.Contain("pipelines/nightly.json").And.Contain("Outbound:BatchSize"));
    }

    [Test]
    public void Bind_EnvironmentOverridesABadFileValue_NoError()
    {
        Environment.SetEnvironmentVariable("ETL_Outbound__BatchSize", "10");

        var settings = SettingsBinder.Bind(Configuration("""{ "Outbound": { "BatchSize": "many" } }"""));

        Assert.That(settings.Outbound.BatchSize, Is.EqualTo(10));
    }

    [TestCase("ETL_Outbound__BatchSize", "0", "Outbound:BatchSize")]
    [TestCase("ETL_Outbound__BatchSize", "1000001", "Outbound:BatchSize")]
    [TestCase("ETL_Drop__MaxRemovedPercent", "101", "Drop:MaxRemovedPercent")]
    [TestCase("ETL_Drop__MaxRemovedPercent", "100.4", "Drop:MaxRemovedPercent")]
    [TestCase("ETL_Drop__MaxRemovedPercent", "-0.4", "Drop:MaxRemovedPercent")]
    [TestCase("ETL_Drop__MinBadRowsToFail", "-1", "Drop:MinBadRowsToFail")]
    [TestCase("ETL_Drop__SettleTime", "2.00:00:00", "Drop:SettleTime")]
    [TestCase("ETL_Portal__Timeout", "00:00:00", "Portal:Timeout")]
    [TestCase("ETL_Portal__Timeout", "02:00:00", "Portal:Timeout")]
    public void Bind_OutOfRange_ErrorNamingVariableAndKey(string variable, string value, string key)
    {
        Environment.SetEnvironmentVariable(variable, value);

        var e = Fails(Configuration());

        Assert.That(e.Message, Does.Contain("environment variable " + variable).And.Contain(key).And.Contain(value));
    }

    [Test]
    public void Bind_OutOfRangeInJsonFile_ErrorNamingFileAndKey()
    {
        var e = Fails(Configuration("""{ "Drop": { "MaxBadRowPercent": 150 } }"""));

        Assert.That(e.Message, Does.Contain("appsettings.json").And.Contain("Drop:MaxBadRowPercent").And.Contain("150"));
    }

    [Test]
    public void Bind_UnknownErpProvider_ErrorNamingVariable()
    {
        Environment.SetEnvironmentVariable("ETL_Erp__Provider", "oracle");

        var e = Fails(Configuration());

        Assert.That(e.Message, Does.Contain("environment variable ETL_Erp__Provider").And.Contain("sqlite or sqlserver"));
    }

    [Test]
    public void Origin_KeyFromEachSource_Described()
    {
        Environment.SetEnvironmentVariable("ETL_DataRoot", "/srv/etl");
        var configuration = Configuration("""{ "Outbound": { "BatchSize": 5 } }""", new Dictionary<string, string?> { ["Drop:MaxRemovedPercent"] = "25" });

        Assert.That(SettingsBinder.Origin(configuration, "DataRoot"), Is.EqualTo("environment variable ETL_DataRoot"));
        Assert.That(SettingsBinder.Origin(configuration, "Drop:MaxRemovedPercent"), Is.EqualTo("pipelines/nightly.json"));
        Assert.That(SettingsBinder.Origin(configuration, "Outbound:BatchSize"), Does.EndWith("appsettings.json"));
        Assert.That(SettingsBinder.Origin(configuration, "Portal:ApiKey"), Is.EqualTo("defaults"));
    }

    [Test]
    public void Bind_FractionalPercentJustAboveHundred_Error()
    {
        Environment.SetEnvironmentVariable("ETL_Drop__MaxRemovedPercent", "100.4");

        var e = Fails(Configuration());

        Assert.That(e.Message, Does.Contain("Drop:MaxRemovedPercent"));
    }
}
