using System.Collections.Concurrent;

namespace Inexopay.Tests.Infrastructure;

/// <summary>
/// One server per provider shared by every test that needs no special configuration; each test makes its own
/// reseller, so tests do not see each other's money. Servers live until the test process ends.
/// </summary>
public static class SharedServers
{
    private static readonly ConcurrentDictionary<string, Lazy<InexopayServer>> Servers = new();

    public static InexopayServer For(string provider) =>
        Servers.GetOrAdd(provider, p => new Lazy<InexopayServer>(() => new InexopayServer(p))).Value;
}
