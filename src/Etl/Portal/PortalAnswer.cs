using System.Net;

namespace Etl.PortalApi;

/// <summary>What the portal answered to one call: its status, its body as text, and the wait it asked for.</summary>
internal sealed record PortalAnswer(int Status, string Body, TimeSpan? RetryAfter)
{
    /// <summary>An answer the caller takes as it is, even if its status is otherwise retried.</summary>
    public bool Final { get; init; }

    /// <summary>2xx.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The key was refused: configuration, not data.</summary>
    public bool IsAuthFailure => Status is (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden;

    /// <summary>Worth another try (CONTRACTS.md section 3): 408, 409 (the same key still in flight), 423, 429, 5xx.</summary>
    public bool IsTransient => IsTransientStatus(Status);

    /// <summary>See <see cref="IsTransient"/>.</summary>
    public static bool IsTransientStatus(int status) => status is 408 or 409 or 423 or 429 or >= 500;
}
