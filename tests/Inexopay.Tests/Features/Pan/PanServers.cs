using System.Collections.Concurrent;
using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Pan;

/// <summary>
/// Servers for the PAN tests: notifications dispatched every 50 ms with a short retry schedule, so delivery tests
/// wait milliseconds instead of the production seconds. The background sweeper runs rarely; tests that need it
/// call it directly with a chosen time, on a server of their own.
/// </summary>
public static class PanServers
{
    private static readonly ConcurrentDictionary<string, Lazy<InexopayServer>> Servers = new();

    public static Dictionary<string, string?> FastSettings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:PollMilliseconds"] = "50",
            ["Webhooks:RetryDelaysSeconds"] = "0.3,0.3,0.3",
            ["Webhooks:TimeoutSeconds"] = "5",
            ["Pan:WorkerIntervalSeconds"] = "3600",
        };
        if (extra is not null)
            foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    public static InexopayServer For(string provider) =>
        Servers.GetOrAdd(provider, p => new Lazy<InexopayServer>(() => new InexopayServer(p, FastSettings()))).Value;

    /// <summary>A return_url that refuses connections at once, for tests that do not look at notifications.</summary>
    public const string NowhereUrl = "http://127.0.0.1:9/callback";
}
