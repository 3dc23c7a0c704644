using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.RateLimiting;
using Etl.Configuration;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Etl.PortalApi;

/// <summary>
/// The portal client: one <see cref="HttpClient"/> behind one Polly pipeline. Outermost first: retries with jitter on
/// 408/409/423/429/5xx, timeouts, refused connections and answers cut short (a server's Retry-After, seconds or an
/// HTTP date, is honoured and clamped to Portal:MaxRetryDelay); a circuit breaker, so a dead portal fails fast instead
/// of burning the night; one rate limiter shared by every call through this client; the per-call Portal:Timeout.
/// The bearer key goes on each request and into nothing else: not logs, not exception messages.
/// </summary>
internal sealed class PortalClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _apiKey;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly RateLimiter _limiter;
    private readonly bool _ownsLimiter;
    private readonly ResiliencePipeline<PortalAnswer> _pipeline;
    private readonly PortalSettings _settings;

    /// <summary>Creates a client for the portal at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The portal's base URL; calls are relative to it.</param>
    /// <param name="settings">Key, timeout, attempts and the longest retry delay.</param>
    /// <param name="clock">Time for Retry-After dates and the pipeline's delays.</param>
    /// <param name="logger">Retries and breaks are logged here, without the key.</param>
    /// <param name="handler">The HTTP handler; default a <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="limiter">The rate limiter to share; default Portal:RequestsPerSecond, owned by the client.</param>
    public PortalClient(Uri baseAddress, PortalSettings settings, TimeProvider clock, ILogger logger,
        HttpMessageHandler? handler = null, RateLimiter? limiter = null)
    {
        _settings = settings;
        _apiKey = settings.ApiKey;
        _clock = clock;
        _logger = logger;
        _ownsLimiter = limiter is null;
        _limiter = limiter ?? CreateLimiter(settings.RequestsPerSecond);
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = settings.Timeout })
        {
            BaseAddress = root,
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline's timeout strategy owns time per attempt
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        _pipeline = BuildPipeline(settings, clock, logger, _limiter);
    }

    /// <summary>Attempts per call (Portal:MaxAttempts).</summary>
    public int MaxAttempts => _settings.MaxAttempts;

    /// <summary>The portal's base address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>A token bucket of <paramref name="perSecond"/> calls a second, queueing callers rather than refusing them.</summary>
    public static RateLimiter CreateLimiter(int perSecond) => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 100_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    /// <summary>
    /// <c>POST /api/v1/imports/{entity}</c> with an <c>Idempotency-Key</c>. Returns the last answer (a success, a refusal,
    /// or a transient status still failing after every attempt); throws <see cref="PortalUnavailableException"/> when no
    /// usable answer came.
    /// </summary>
    public Task<PortalAnswer> PostImportAsync(string entity, string idempotencyKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/imports/" + Uri.EscapeDataString(entity), body, idempotencyKey, cancellationToken);

    /// <summary>A call through the pipeline; see <see cref="PostImportAsync"/> for the outcomes.</summary>
    /// <param name="retryConflicts">Whether a 409 is retried (an import key still in flight) or is an answer (a state conflict).</param>
    public async Task<PortalAnswer> SendAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? jsonBody, string? idempotencyKey, CancellationToken cancellationToken,
        bool retryConflicts = true)
    {
        var call = new Call(this, method, path, jsonBody, idempotencyKey, retryConflicts);
        try
        {
            return await _pipeline.ExecuteAsync(static (call, token) => call.Client.AttemptAsync(call, token), call, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            var retryAfter = e.RetryAfter is { } wait ? string.Create(CultureInfo.InvariantCulture, $" for another {wait.TotalSeconds:0.#} s") : "";
            throw new PortalUnavailableException($"{method} {path}: the portal failed repeatedly; calls are held back{retryAfter} (circuit open).");
        }
        catch (TimeoutRejectedException)
        {
            throw new PortalUnavailableException($"{method} {path}: no answer within {_settings.Timeout} (Portal:Timeout), {_settings.MaxAttempts} attempt(s).");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or MalformedAnswerException)
        {
            throw new PortalUnavailableException($"{method} {path}: {Redact(e.Message)} ({_settings.MaxAttempts} attempt(s)).");
        }
    }

    /// <summary>Removes the key from text that came from elsewhere (a server's problem detail, an exception message).</summary>
    public string Redact(string text) =>
        _apiKey.Length >= 4 ? text.Replace(_apiKey, "***", StringComparison.Ordinal) : text;

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        if (_ownsLimiter) _limiter.Dispose();
    }

    private async ValueTask<PortalAnswer> AttemptAsync(Call call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, call.Path);
        // Without validation: a malformed key must not end up quoted in a FormatException message.
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _apiKey);
        if (call.IdempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", call.IdempotencyKey);
        if (call.Body is { } body)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values)
            ? RetryAfter.Parse(values.FirstOrDefault(), _clock.GetUtcNow())
            : null;
        var answer = new PortalAnswer((int)response.StatusCode, text, retryAfter) { Final = IsFinalConflict(call, (int)response.StatusCode) };
        if (answer.IsSuccess && !IsJson(text))
        {
            throw new MalformedAnswerException($"the portal answered {answer.Status} with a body that is not complete JSON ({text.Length} characters)");
        }
        return answer;
    }

    // A 409 to a call that asked not to retry conflicts is the portal's answer, not a busy signal.
    private static bool IsFinalConflict(Call call, int status) => status == 409 && !call.RetryConflicts;

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ResiliencePipeline<PortalAnswer> BuildPipeline(PortalSettings settings, TimeProvider clock, ILogger logger, RateLimiter limiter)
    {
        var maxDelay = settings.MaxRetryDelay;
        var builder = new ResiliencePipelineBuilder<PortalAnswer> { TimeProvider = clock };
        if (settings.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<PortalAnswer>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = maxDelay < TimeSpan.FromMilliseconds(200) ? maxDelay : TimeSpan.FromMilliseconds(200),
                MaxDelay = maxDelay,
                ShouldHandle = new PredicateBuilder<PortalAnswer>()
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<MalformedAnswerException>()
                    .HandleResult(a => a.IsTransient && !a.Final),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Result?.RetryAfter is { } asked
                    ? RetryAfter.Delay(asked, maxDelay, Random.Shared.NextDouble())
                    : null),
                OnRetry = args =>
                {
                    var what = args.Outcome.Exception is { } e ? e.GetType().Name : "status " + args.Outcome.Result!.Status.ToString(CultureInfo.InvariantCulture);
                    logger.LogWarning("Portal call failed ({What}); attempt {Attempt} of {Max} in {Delay:0.###} s",
                        what, args.AttemptNumber + 2, settings.MaxAttempts, args.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        // 429, 423 and 409 say the portal is alive and busy: they do not open the circuit. Dead or failing ones do.
        var callSpan = settings.Timeout + maxDelay;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<PortalAnswer>
        {
            FailureRatio = 1.0,
            MinimumThroughput = Math.Max(2, settings.MaxAttempts),
            SamplingDuration = Max(TimeSpan.FromSeconds(30), callSpan * settings.MaxAttempts),
            BreakDuration = Max(TimeSpan.FromSeconds(1), maxDelay),
            ShouldHandle = new PredicateBuilder<PortalAnswer>()
                .Handle<HttpRequestException>()
                .Handle<IOException>()
                .Handle<TimeoutRejectedException>()
                .HandleResult(a => a.Status is 408 or >= 500),
            OnOpened = args =>
            {
                logger.LogError("Portal circuit opened: calls are held back for {Seconds:0.#} s after repeated failures", args.BreakDuration.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddRateLimiter(limiter);
        builder.AddTimeout(settings.Timeout);
        return builder.Build();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [DebuggerDisplay("{Method} {Path}")]
    private sealed record Call(PortalClient Client, HttpMethod Method, string Path, ReadOnlyMemory<byte>? Body, string? IdempotencyKey, bool RetryConflicts);
}
