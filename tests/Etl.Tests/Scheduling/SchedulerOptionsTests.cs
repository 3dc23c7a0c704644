using Etl.Configuration;
using Etl.Scheduling;
using Microsoft.Extensions.Configuration;

namespace Etl.Tests.Scheduling;

/// <summary>The Serve section of the settings: defaults, durations, and errors that name their source and key.</summary>
public sealed class SchedulerOptionsTests
{
    private static IConfigurationRoot Settings(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Test]
    public void Bind_Nothing_GivesTheDefaults()
    {
        var options = SchedulerOptions.Bind(Settings([]));

        Assert.That(options.LockRetry, Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(options.StopGrace, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Bind_Durations_AreRead()
    {
        var options = SchedulerOptions.Bind(Settings(new() { ["Serve:LockRetry"] = "00:05:00", ["Serve:StopGrace"] = "00:02:00" }));

        Assert.That(options.LockRetry, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(options.StopGrace, Is.EqualTo(TimeSpan.FromMinutes(2)));
    }

    [TestCase("Serve:LockRetry", "5")]
    [TestCase("Serve:LockRetry", "00:00:00")]
    [TestCase("Serve:StopGrace", "2.00:00:00")]
    public void Bind_BadDuration_IsAConfigurationErrorNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => SchedulerOptions.Bind(Settings(new() { [key] = value })));

        Assert.That(error!.Message, Does.Contain($"{key} = '{value}' is not a duration"));
    }

    [Test]
    public void Bind_UnknownKey_IsAConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => SchedulerOptions.Bind(Settings(new() { ["Serve:LockRetries"] = "00:01:00" })));

        Assert.That(error!.Message, Does.Contain("unknown key Serve:LockRetries"));
    }
}
