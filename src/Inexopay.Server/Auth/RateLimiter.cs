using System.Collections.Concurrent;

namespace Inexopay.Server.Auth;

/// <summary>
/// Per-reseller fixed one-minute windows, counted in this process. With several nodes each node counts its own
/// share, so a plan's limit is enforced per node (documented in the README).
/// </summary>
public sealed class RateLimiter(TimeProvider clock)
{
    private sealed class Window
    {
        public long Minute;
        public int Count;
    }

    private readonly ConcurrentDictionary<long, Window> _windows = new();

    /// <summary>0 when the request may go on, otherwise the seconds until the next window opens.</summary>
    public int TryAcquire(long resellerId, int perMinute)
    {
        if (perMinute <= 0) return 0;
        var now = clock.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        var window = _windows.GetOrAdd(resellerId, _ => new Window());
        lock (window)
        {
            if (window.Minute != minute)
            {
                window.Minute = minute;
                window.Count = 0;
            }
            if (window.Count >= perMinute) return (int)(60 - now.ToUnixTimeSeconds() % 60);
            window.Count++;
            return 0;
        }
    }
}
