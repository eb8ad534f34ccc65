namespace Inexopay.Server.Features.Pan;

/// <summary><c>Pan:*</c> configuration.</summary>
public sealed class PanSettings
{
    /// <summary>A PENDING sandbox application older than this is failed and refunded by the sweeper.</summary>
    public TimeSpan AbandonAfter { get; init; } = TimeSpan.FromHours(72);

    /// <summary>How often the background worker runs (abandon sweep and upstream status polling).</summary>
    public TimeSpan WorkerInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A pending live application is asked about at the parent at most this often.</summary>
    public TimeSpan UpstreamPollInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a live application the parent does not know may stay pending: the parent may not have committed it
    /// yet while our request is in flight; after this it is certain the request never arrived, and it is refunded.
    /// </summary>
    public TimeSpan UpstreamNotFoundGrace { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The sandbox portal refuses an envelope whose <c>reqTs</c> is older than this (as Protean does).</summary>
    public TimeSpan SandboxRequestTtl { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Our public address, for links the applicant's browser or the parent API must reach (the sandbox portal, our
    /// callback). Empty: taken from the request, which is right unless a proxy rewrites the host.
    /// </summary>
    public string? PublicBaseUrl { get; init; }

    public static PanSettings From(IConfiguration config)
    {
        var s = config.GetSection("Pan");
        return new PanSettings
        {
            AbandonAfter = TimeSpan.FromHours(Math.Max(0.0001, s.GetValue("AbandonAfterHours", 72.0))),
            WorkerInterval = TimeSpan.FromSeconds(Math.Max(0.05, s.GetValue("WorkerIntervalSeconds", 30.0))),
            UpstreamPollInterval = TimeSpan.FromSeconds(Math.Max(0.05, s.GetValue("UpstreamPollSeconds", 60.0))),
            UpstreamNotFoundGrace = TimeSpan.FromMinutes(Math.Max(0, s.GetValue("UpstreamNotFoundGraceMinutes", 15.0))),
            SandboxRequestTtl = TimeSpan.FromMinutes(Math.Max(1, s.GetValue("SandboxRequestTtlMinutes", 30.0))),
            PublicBaseUrl = s["PublicBaseUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : null,
        };
    }

    public string BaseUrl(HttpRequest request) => PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
}
