using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Inexopay.Server.Observability;

/// <summary>
/// Counts requests and their latency per endpoint and status, and serves them with process figures at /metrics in
/// the Prometheus text format. Lock-free on the request path: one counter increment and one bucket increment.
/// </summary>
public sealed class RequestMetrics
{
    private static readonly double[] BucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private sealed class Series
    {
        public long Count;
        public long SumMicros;
        public readonly long[] Buckets = new long[BucketsSeconds.Length];
    }

    private readonly ConcurrentDictionary<(string Route, int Status), Series> _series = new();
    private readonly DateTime _startedAt = DateTime.UtcNow;

    public void Record(string route, int status, TimeSpan elapsed)
    {
        var series = _series.GetOrAdd((route, status), _ => new Series());
        Interlocked.Increment(ref series.Count);
        Interlocked.Add(ref series.SumMicros, (long)(elapsed.TotalMilliseconds * 1000));
        var seconds = elapsed.TotalSeconds;
        for (var i = 0; i < BucketsSeconds.Length; i++)
            if (seconds <= BucketsSeconds[i])
            {
                Interlocked.Increment(ref series.Buckets[i]);
                break;
            }
    }

    public string Render()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# HELP inexopay_http_requests_total HTTP requests by route and status.");
        text.AppendLine("# TYPE inexopay_http_requests_total counter");
        foreach (var ((route, status), s) in _series.OrderBy(s => s.Key.Route).ThenBy(s => s.Key.Status))
            text.AppendLine(inv, $"inexopay_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {Volatile.Read(ref s.Count)}");

        text.AppendLine("# HELP inexopay_http_request_duration_seconds Request latency by route.");
        text.AppendLine("# TYPE inexopay_http_request_duration_seconds histogram");
        foreach (var group in _series.GroupBy(s => s.Key.Route).OrderBy(g => g.Key))
        {
            long cumulative = 0;
            for (var i = 0; i < BucketsSeconds.Length; i++)
            {
                cumulative += group.Sum(s => Volatile.Read(ref s.Value.Buckets[i]));
                text.AppendLine(inv, $"inexopay_http_request_duration_seconds_bucket{{route=\"{group.Key}\",le=\"{BucketsSeconds[i]}\"}} {cumulative}");
            }
            var count = group.Sum(s => Volatile.Read(ref s.Value.Count));
            text.AppendLine(inv, $"inexopay_http_request_duration_seconds_bucket{{route=\"{group.Key}\",le=\"+Inf\"}} {count}");
            text.AppendLine(inv, $"inexopay_http_request_duration_seconds_sum{{route=\"{group.Key}\"}} {group.Sum(s => Volatile.Read(ref s.Value.SumMicros)) / 1e6}");
            text.AppendLine(inv, $"inexopay_http_request_duration_seconds_count{{route=\"{group.Key}\"}} {count}");
        }

        using var process = Process.GetCurrentProcess();
        text.AppendLine("# TYPE process_resident_memory_bytes gauge");
        text.AppendLine(inv, $"process_resident_memory_bytes {process.WorkingSet64}");
        text.AppendLine("# TYPE process_cpu_seconds_total counter");
        text.AppendLine(inv, $"process_cpu_seconds_total {process.TotalProcessorTime.TotalSeconds}");
        text.AppendLine("# TYPE dotnet_gc_heap_bytes gauge");
        text.AppendLine(inv, $"dotnet_gc_heap_bytes {GC.GetTotalMemory(false)}");
        text.AppendLine("# TYPE process_uptime_seconds gauge");
        text.AppendLine(inv, $"process_uptime_seconds {(DateTime.UtcNow - _startedAt).TotalSeconds:0}");
        return text.ToString();
    }
}

public static class RequestMetricsSetup
{
    /// <summary>Records every request under its route template (never the raw path, which could carry personal data).</summary>
    public static void UseRequestMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<RequestMetrics>();
        app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                metrics.Record(route, http.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        });
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4"));
    }
}
