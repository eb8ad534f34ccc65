using System.Globalization;

namespace Inexopay.Server.Webhooks;

/// <summary>
/// <c>Webhooks:*</c> configuration. The retry schedule is Standard Webhooks' (immediately, then 5 s, 5 min, 30 min,
/// 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts over about three days); tests shorten it.
/// </summary>
public sealed class WebhookSettings
{
    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>How often the dispatcher looks for due messages when nothing wakes it earlier.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay before retry n (after the n-th failed attempt); when exhausted the message is dead.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } = DefaultRetryDelays;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Deliver to loopback, private, link-local and other non-public addresses (development and tests only).</summary>
    public bool AllowPrivateTargets { get; init; }

    public int BatchSize { get; init; } = 32;

    public int Concurrency { get; init; } = 8;

    /// <summary>A claim outlives the longest delivery, so only a dead node's claim ever expires.</summary>
    public TimeSpan ClaimFor => Timeout + TimeSpan.FromSeconds(30);

    public static WebhookSettings From(IConfiguration config)
    {
        var section = config.GetSection("Webhooks");
        return new WebhookSettings
        {
            PollInterval = TimeSpan.FromMilliseconds(Math.Max(10, section.GetValue("PollMilliseconds", 1000))),
            RetryDelays = Delays(section.GetSection("RetryDelaysSeconds")) ?? DefaultRetryDelays,
            Timeout = TimeSpan.FromSeconds(Math.Max(1, section.GetValue("TimeoutSeconds", 15.0))),
            AllowPrivateTargets = section.GetValue("AllowPrivateTargets", false),
            BatchSize = Math.Max(1, section.GetValue("BatchSize", 32)),
            Concurrency = Math.Max(1, section.GetValue("Concurrency", 8)),
        };
    }

    /// <summary>Either a list (<c>RetryDelaysSeconds:0</c>, <c>:1</c>…) or one comma-separated value.</summary>
    private static TimeSpan[]? Delays(IConfigurationSection section)
    {
        var items = section.GetChildren().Select(c => c.Value).ToList();
        if (items.Count == 0 && section.Value is { Length: > 0 } text) items = text.Split(',').Select(s => (string?)s).ToList();
        if (items.Count == 0) return null;
        return items.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? TimeSpan.FromSeconds(s)
            : throw new InvalidOperationException($"Webhooks:RetryDelaysSeconds has an invalid entry '{v}'.")).ToArray();
    }
}
