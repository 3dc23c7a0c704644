using System.Text.Json.Nodes;

namespace Etl.PortalSandbox.Faults;

/// <summary>
/// The faults in force and what is left of them. Kept in memory: a restart clears them.
/// The token bucket runs on real time, not on the sandbox's (possibly frozen) clock.
/// </summary>
internal sealed class FaultState(TimeProvider realTime)
{
    private readonly Lock gate = new();
    private FaultSet set = FaultSet.None;
    private Dictionary<string, int> locksLeft = [];
    private int failLeft;
    private int malformedLeft;
    private double tokens;
    private long refilledAt;

    public void Replace(FaultSet faults)
    {
        lock (gate)
        {
            set = faults;
            locksLeft = new Dictionary<string, int>(faults.LockOrders, StringComparer.Ordinal);
            failLeft = faults.FailNext;
            malformedLeft = faults.MalformedNext;
            tokens = BucketSize(faults);
            refilledAt = realTime.GetTimestamp();
        }
    }

    /// <summary>Takes a token; false with the whole seconds (at least 1) until the next one.</summary>
    public bool TryTakeToken(out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        lock (gate)
        {
            if (set.RateLimitPerSecond is not { } rate)
            {
                return true;
            }

            var now = realTime.GetTimestamp();
            tokens = Math.Min(BucketSize(set), tokens + (realTime.GetElapsedTime(refilledAt, now).TotalSeconds * rate));
            refilledAt = now;
            if (tokens >= 1)
            {
                tokens -= 1;
                return true;
            }

            retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - tokens) / rate));
            return false;
        }
    }

    public bool TryConsumeLock(string orderId)
    {
        lock (gate)
        {
            if (locksLeft.TryGetValue(orderId, out var left) && left > 0)
            {
                locksLeft[orderId] = left - 1;
                return true;
            }

            return false;
        }
    }

    public bool TryConsumeFailure(out int status)
    {
        lock (gate)
        {
            status = set.FailStatus;
            if (failLeft > 0)
            {
                failLeft--;
                return true;
            }

            return false;
        }
    }

    public int DelayMs
    {
        get { lock (gate) { return set.DelayMs; } }
    }

    public bool TryConsumeMalformed()
    {
        lock (gate)
        {
            if (malformedLeft > 0)
            {
                malformedLeft--;
                return true;
            }

            return false;
        }
    }

    /// <summary>The faults in force, with what is left of each count.</summary>
    public JsonObject Describe()
    {
        lock (gate)
        {
            var locks = new JsonObject();
            foreach (var (id, left) in locksLeft.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                locks[id] = left;
            }

            return new JsonObject
            {
                ["rate_limit_per_second"] = set.RateLimitPerSecond,
                ["burst"] = set.RateLimitPerSecond is null ? null : BucketSize(set),
                ["lock_orders"] = locks,
                ["fail_next"] = failLeft,
                ["fail_status"] = set.FailStatus,
                ["delay_ms"] = set.DelayMs,
                ["malformed_next"] = malformedLeft,
            };
        }
    }

    // Without an explicit burst the bucket holds one second's worth (at least one token).
    private static int BucketSize(FaultSet faults)
        => faults.Burst ?? Math.Max(1, (int)Math.Ceiling(faults.RateLimitPerSecond ?? 1));
}
