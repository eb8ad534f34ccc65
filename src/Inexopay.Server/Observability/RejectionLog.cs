using Inexopay.Server.Auth;

namespace Inexopay.Server.Observability;

/// <summary>
/// The log lines of requests the API turns away or fails: one short line per request, never a stack trace for a
/// client's mistake, and at most <see cref="LinesPerMinute"/> lines a minute of each kind, so that unauthenticated
/// clients cannot flood the log (what is held back is counted and reported on the next line written). Paths and
/// methods are the client's text: control characters are replaced and they are cut short.
/// </summary>
public sealed class RejectionLog(ILogger<RejectionLog> log, TimeProvider clock)
{
    public const int LinesPerMinute = 60;

    private readonly Budget _rejections = new();
    private readonly Budget _failures = new();

    /// <summary>A client's mistake (unreadable body, …): a warning, no exception.</summary>
    public void Rejected(HttpContext http, int status, string reason)
    {
        if (!_rejections.TryTake(clock, out var heldBack)) return;
        log.LogWarning("Rejected {Method} {Path} from {ClientIp}: {Status} {Reason}{HeldBack}",
            Clean(http.Request.Method, 16), Clean(http.Request.Path.Value, 120), Ip(http), status, reason, HeldBack(heldBack));
    }

    /// <summary>The database could not be reached: an error line with the exception's message, no stack trace.</summary>
    public void Unavailable(HttpContext http, Exception e)
    {
        if (!_failures.TryTake(clock, out var heldBack)) return;
        log.LogError("Database unavailable answering {Method} {Path}: {Error}: {Message}{HeldBack}",
            Clean(http.Request.Method, 16), Clean(http.Request.Path.Value, 120), e.GetType().Name, Clean(e.Message, 300), HeldBack(heldBack));
    }

    /// <summary>A bug: logged with its stack trace (still rate-limited, in case a client can trigger it at will).</summary>
    public void Failed(HttpContext http, Exception e)
    {
        if (!_failures.TryTake(clock, out var heldBack)) return;
        log.LogError(e, "Unhandled error answering {Method} {Path} from {ClientIp}{HeldBack}",
            Clean(http.Request.Method, 16), Clean(http.Request.Path.Value, 120), Ip(http), HeldBack(heldBack));
    }

    private static string HeldBack(long count) => count == 0 ? "" : $" ({count} similar lines held back)";

    private static string Ip(HttpContext http) =>
        (http.RequestServices?.GetService<ClientIp>()?.Of(http) ?? http.Connection.RemoteIpAddress)?.ToString() ?? "unknown";

    public static string Clean(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var chars = new char[Math.Min(text.Length, max)];
        for (var i = 0; i < chars.Length; i++) chars[i] = char.IsControl(text[i]) || char.IsSurrogate(text[i]) ? '?' : text[i];
        return text.Length > max ? new string(chars) + "…" : new string(chars);
    }

    /// <summary>A fixed one-minute window: the first <see cref="LinesPerMinute"/> lines pass.</summary>
    private sealed class Budget
    {
        private readonly Lock _gate = new();
        private long _window = long.MinValue;
        private int _used;
        private long _heldBack;

        public bool TryTake(TimeProvider clock, out long heldBackBefore)
        {
            var window = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
            lock (_gate)
            {
                if (window != _window)
                {
                    _window = window;
                    _used = 0;
                }
                if (_used >= LinesPerMinute)
                {
                    _heldBack++;
                    heldBackBefore = 0;
                    return false;
                }
                _used++;
                heldBackBefore = _heldBack;
                _heldBack = 0;
                return true;
            }
        }
    }
}
