using System.Net;
using System.Text;
using Etl.Configuration;
using Etl.PortalApi;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Etl.Delivery.Tests.Portal;

/// <summary>The client's pipeline against scripted answers, on a fake clock: what is retried, how long it waits.</summary>
public sealed class PortalClientTests
{
    private const string Key = "k3y-unit-secret";
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task PostImport_429AskingForTwoMinutes_WaitsOnlyMaxRetryDelay()
    {
        var (client, handler, clock) = Create(maxRetryDelay: TimeSpan.FromSeconds(2),
            Answer(429, "{}", retryAfter: "120"), Answer(200, """{"import_id":"imp-1","accepted":1,"rejected":[]}"""));

        var answer = await Drive(clock, client.PostImportAsync("items", "b-1", "{}"u8.ToArray(), CancellationToken.None));

        Assert.That(answer.Status, Is.EqualTo(200));
        Assert.That(handler.Times, Has.Count.EqualTo(2));
        Assert.That(handler.Times[1] - handler.Times[0], Is.EqualTo(TimeSpan.FromSeconds(2)).Within(TimeSpan.FromMilliseconds(300)));
    }

    [Test]
    public async Task PostImport_503WithRetryAfterAsHttpDate_WaitsUntilThatDate()
    {
        var (client, handler, clock) = Create(maxRetryDelay: TimeSpan.FromSeconds(30),
            Answer(503, "{}", retryAfter: "Mon, 30 Nov 2026 02:00:03 GMT"), Answer(200, "{}"));

        var answer = await Drive(clock, client.PostImportAsync("items", "b-1", "{}"u8.ToArray(), CancellationToken.None));

        Assert.That(answer.Status, Is.EqualTo(200));
        var waited = handler.Times[1] - handler.Times[0];
        Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(3)).And.LessThan(TimeSpan.FromSeconds(3.8)), "the date, plus at most 10 % jitter");
    }

    [Test]
    public async Task PostImport_StillFailingAfterMaxAttempts_ReturnsTheLastAnswer()
    {
        var (client, handler, clock) = Create(maxRetryDelay: TimeSpan.FromSeconds(1),
            [.. Enumerable.Range(0, 10).Select(_ => Answer(423, "{}", retryAfter: "1"))]);

        var answer = await Drive(clock, client.PostImportAsync("items", "b-1", "{}"u8.ToArray(), CancellationToken.None));

        Assert.That(answer.Status, Is.EqualTo(423));
        Assert.That(handler.Times, Has.Count.EqualTo(4), "Portal:MaxAttempts = 4");
    }

    [TestCase(401)]
    [TestCase(403)]
    [TestCase(400)]
    [TestCase(422)]
    public async Task PostImport_ClientError_IsNotRetried(int status)
    {
        var (client, handler, clock) = Create(maxRetryDelay: TimeSpan.FromSeconds(1), Answer(status, """{"title":"no"}"""), Answer(200, "{}"));

        var answer = await Drive(clock, client.PostImportAsync("items", "b-1", "{}"u8.ToArray(), CancellationToken.None));

        Assert.That(answer.Status, Is.EqualTo(status));
        Assert.That(handler.Times, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task PostImport_AnswerCutShort_IsRetriedUnderTheSameKey()
    {
        var (client, handler, clock) = Create(maxRetryDelay: TimeSpan.FromSeconds(1),
            Answer(200, """{"import_id":"imp-1","acc"""), Answer(200, """{"import_id":"imp-1","accepted":1,"rejected":[]}"""));

        var answer = await Drive(clock, client.PostImportAsync("items", "b-1", "{}"u8.ToArray(), CancellationToken.None));

        Assert.That(answer.Body, Does.Contain("accepted"));
        Assert.That(handler.Keys, Is.EqualTo(new[] { "b-1", "b-1" }));
        Assert.That(handler.Authorizations, Is.All.EqualTo("Bearer " + Key));
    }

    [Test]
    public void PostImport_ConnectionFailsEveryTime_ThrowsWithoutTheKey()
    {
        var (client, _, clock) = Create(maxRetryDelay: TimeSpan.FromMilliseconds(10),
            [.. Enumerable.Range(0, 10).Select(_ => (Func<HttpResponseMessage>)(() => throw new HttpRequestException($"refused (sent Bearer {Key})")))]);

        var e = Assert.ThrowsAsync<PortalUnavailableException>(() => Drive(clock, client.PostImportAsync("items", "b-1", "{}"u8.ToArray(), CancellationToken.None)));

        Assert.That(e!.Message, Does.Not.Contain(Key).And.Contain("POST api/v1/imports/items"));
    }

    private static (PortalClient Client, ScriptedHandler Handler, FakeTimeProvider Clock) Create(TimeSpan maxRetryDelay, params Func<HttpResponseMessage>[] answers)
    {
        var clock = new FakeTimeProvider(Start);
        var handler = new ScriptedHandler(clock, answers);
        var settings = new PortalSettings { ApiKey = Key, MaxAttempts = 4, MaxRetryDelay = maxRetryDelay, Timeout = TimeSpan.FromSeconds(10) };
        var client = new PortalClient(new Uri("http://127.0.0.1:9/"), settings, clock, NullLogger.Instance, handler);
        return (client, handler, clock);
    }

    private static Func<HttpResponseMessage> Answer(int status, string body, string? retryAfter = null) => () =>
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    };

    /// <summary>Moves the fake clock in small steps until the call is done.</summary>
    private static async Task<T> Drive<T>(FakeTimeProvider clock, Task<T> call)
    {
        for (var i = 0; i < 2000 && !call.IsCompleted; i++)
        {
            await Task.Delay(2);
            clock.Advance(TimeSpan.FromMilliseconds(25));
        }
        return await call.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class ScriptedHandler(TimeProvider clock, Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<DateTimeOffset> Times { get; } = [];

        public List<string?> Keys { get; } = [];

        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Times.Add(clock.GetUtcNow());
            Keys.Add(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
            Authorizations.Add(request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : null);
            return Task.FromResult(answers[_next++]());
        }
    }
}
