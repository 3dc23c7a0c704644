using System.Net;
using Etl.PortalSandbox.Tests.Support;

namespace Etl.PortalSandbox.Tests.Http;

public sealed class AuthAndErrorTests : SandboxTestBase
{
    [TestCase("GET", "api/v1/orders?updated_from=2026-03-01T00:00:00&updated_to=2026-03-02T00:00:00")]
    [TestCase("GET", "api/v1/orders/P-1")]
    [TestCase("PUT", "api/v1/orders/P-1/erp-reference")]
    [TestCase("POST", "api/v1/imports/items")]
    [TestCase("GET", "api/v1/data/items")]
    [TestCase("POST", "sandbox/orders")]
    [TestCase("POST", "sandbox/faults")]
    [TestCase("POST", "sandbox/clock")]
    [TestCase("POST", "sandbox/reset")]
    [TestCase("GET", "sandbox/requests")]
    [TestCase("GET", "no/such/route")]
    public async Task Call_WithoutKey_Returns401Problem(string method, string path)
    {
        using var anonymous = NewClient(null);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await anonymous.SendAsync(request);

        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [TestCase("wrong-key")]
    [TestCase("test-key-and-more")]
    [TestCase("")]
    public async Task Call_WithWrongKey_Returns401AndNeverEchoesIt(string key)
    {
        await SeedAsync(Order("P-1", "2026-03-01T10:00:00"));
        using var client = NewClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");

        var problem = await AssertProblemAsync(client.GetAsync("api/v1/orders/P-1"), HttpStatusCode.Unauthorized);

        Assert.That(problem.ToJsonString(), key.Length > 0 ? Does.Not.Contain(key) : Is.Not.Empty);
    }

    [Test]
    public async Task Call_WithOtherSchemeSpelling_Accepted()
    {
        using var client = NewClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"bearer {ApiKey}");

        using var response = await client.GetAsync("api/v1/data/items");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("GET", "api/v2/orders")]
    [TestCase("GET", "nothing")]
    public async Task Call_UnknownRoute_Returns404Problem(string method, string path)
    {
        await AssertProblemAsync(Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Call_WrongMethod_Returns405Problem()
    {
        await AssertProblemAsync(Client.DeleteAsync("api/v1/orders/P-1"), HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public void StartAsync_PortZero_BindsAFreeLoopbackPort()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Sandbox.BaseAddress.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(Sandbox.BaseAddress.Port, Is.Not.Zero);
            Assert.That(Sandbox.StateFile, Is.EqualTo(Path.GetFullPath(StateFile)));
        }
    }

    [Test]
    public void StartAsync_UnknownTimeZone_ThrowsArgumentException()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", StateFile = StateFile + ".other", TimeZone = "Mars/Olympus_Mons" };

        Assert.That(async () => await PortalSandbox.StartAsync(options), Throws.ArgumentException.With.Message.Contains("Mars/Olympus_Mons"));
    }

    [Test]
    public void StartAsync_PortInUse_Throws()
    {
        var options = new SandboxOptions { Urls = Sandbox.BaseAddress.ToString(), StateFile = StateFile + ".other" };

        Assert.That(async () => await PortalSandbox.StartAsync(options), Throws.InstanceOf<IOException>());
    }
}
