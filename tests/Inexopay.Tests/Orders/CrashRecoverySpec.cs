using System.Collections.Concurrent;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Inexopay.Tests.Orders.OrderHarness;

namespace Inexopay.Tests.Orders;

/// <summary>
/// An order whose provider call was cut off by a crash (pending, call started long ago, nobody waiting) is resolved
/// exactly once by <see cref="OrderRecovery"/>, even with several nodes recovering at the same moment.
/// </summary>
public sealed class CrashRecoverySpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private const long Fee = 1_50;

    /// <summary>The recovery as a node sees it ten minutes from now, with the default two-minute in-flight timeout.</summary>
    private static OrderRecovery Recovery(IServiceProvider node, TimeSpan? shift = null) => new(
        node.GetRequiredService<IServiceScopeFactory>(), new ShiftedClock(shift ?? TimeSpan.FromMinutes(10)),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Orders:InFlightTimeoutSeconds"] = "120" }).Build(),
        node.GetRequiredService<ILoggerFactory>().CreateLogger<OrderRecovery>());

    /// <summary>A server of its own: a recovery with a shifted clock would otherwise take other tests' in-flight orders.</summary>
    private static InexopayServer IsolatedServer(string provider) =>
        new(provider, new Dictionary<string, string?> { ["Orders:RecoveryIntervalSeconds"] = "3600" });

    [Theory, MemberData(nameof(Providers))]
    public async Task Nodes_recovering_at_the_same_time_refund_each_interrupted_order_exactly_once(string provider)
    {
        await using var server = IsolatedServer(provider);
        var (_, reseller) = await ShopAsync(server, 1_000_00);
        var orphans = new List<Order>();
        for (var i = 0; i < 24; i++) orphans.Add((await PlaceAsync(server.Services, reseller, $"ORPHAN-{i}")).Order!);
        var finished = (await PlaceAsync(server.Services, reseller, "FINISHED")).Order!;
        await CompleteAsync(server.Services, finished, ProviderOutcome.Succeeded("REQ-9"));
        var atPortal = (await PlaceAsync(server.Services, reseller, "AT-PORTAL", Services.PanNew)).Order!;
        await CompleteAsync(server.Services, atPortal, ProviderOutcome.Pending("TXN-1")); // waits for the applicant, legitimately

        // Now (not ten minutes on) every call is still within its timeout: a request may yet be waiting for it.
        Assert.Equal(0, await Recovery(server.Services, TimeSpan.Zero).RunOnceAsync());

        await using var nodeA = Node(server);
        await using var nodeB = Node(server);
        var instances = new[] { Recovery(nodeA), Recovery(nodeB), Recovery(server.Services), Recovery(nodeA), Recovery(nodeB) };
        var resolved = await ConcurrentlyAsync(instances.Length, i => instances[i].RunOnceAsync());

        Assert.Equal(orphans.Count, resolved.Sum());
        var books = await BooksAsync(server, reseller);
        foreach (var orphan in orphans)
        {
            var stored = books.Orders.Single(o => o.Id == orphan.Id);
            Assert.Equal(OrderStatus.Failed, stored.Status);
            Assert.True(stored.Refunded);
            Assert.Null(stored.ProviderCallStartedAt);
            Assert.Equal(OrderRecovery.InterruptedReason, stored.FailureReason);
            var refund = Assert.Single(books.Entries, e => e.Kind == LedgerKind.Refund && e.OrderId == orphan.Id);
            Assert.Equal(stored.ChargeEntryId, refund.ReversesEntryId);
            Assert.Equal(Fee, refund.AmountPaise);
        }
        Assert.Equal(OrderStatus.Succeeded, books.Orders.Single(o => o.OrderRef == "FINISHED").Status);
        var portal = books.Orders.Single(o => o.OrderRef == "AT-PORTAL");
        Assert.Equal(OrderStatus.Pending, portal.Status);
        Assert.False(portal.Refunded);
        Assert.Equal(1_000_00 - Fee - 99_00, books.BalancePaise); // the finished verification and the PAN application stay paid
        Assert.Equal(0, await Recovery(nodeA).RunOnceAsync());
        await AssertBooksBalanceAsync(server, reseller);
    }

    private sealed class ScriptedResolver : IOrderResolver
    {
        public readonly ConcurrentDictionary<string, int> Calls = new();

        public Task<ProviderOutcome?> ResolveAsync(Order order, CancellationToken ct)
        {
            Calls.AddOrUpdate(order.OrderRef, 1, (_, n) => n + 1);
            return order.OrderRef switch
            {
                "R-DONE" => Task.FromResult<ProviderOutcome?>(ProviderOutcome.Succeeded("ACK-123456789012345")),
                "R-REJECTED" => Task.FromResult<ProviderOutcome?>(ProviderOutcome.Failed("rejected upstream")),
                "R-AT-PORTAL" => Task.FromResult<ProviderOutcome?>(ProviderOutcome.Pending("TXN-2")),
                "R-UNKNOWN" => Task.FromResult<ProviderOutcome?>(null),
                _ => throw new HttpRequestException("upstream unreachable"),
            };
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_service_resolver_decides_and_an_undecided_order_waits_for_another_timeout(string provider)
    {
        await using var server = IsolatedServer(provider);
        var (_, reseller) = await ShopAsync(server, 1_000_00);
        foreach (var id in new[] { "R-DONE", "R-REJECTED", "R-AT-PORTAL", "R-UNKNOWN", "R-UNREACHABLE" })
            await PlaceAsync(server.Services, reseller, id, Services.PanNew);
        await PlaceAsync(server.Services, reseller, "V-NO-RESOLVER", Services.PanVerification);
        var resolver = new ScriptedResolver();
        await using var node = Node(server, configure: s => s.AddKeyedSingleton<IOrderResolver>(Services.PanNew, resolver));

        Assert.Equal(4, await Recovery(node).RunOnceAsync());
        // The undecided and the failing ones were claimed for another timeout: a second pass leaves them alone...
        Assert.Equal(0, await Recovery(node).RunOnceAsync());
        Assert.Equal(1, resolver.Calls["R-UNKNOWN"]);
        Assert.Equal(1, resolver.Calls["R-UNREACHABLE"]);
        // ...until that timeout has passed too.
        Assert.Equal(0, await Recovery(node, TimeSpan.FromMinutes(20)).RunOnceAsync());
        Assert.Equal(2, resolver.Calls["R-UNKNOWN"]);

        var orders = (await BooksAsync(server, reseller)).Orders.ToDictionary(o => o.OrderRef);
        Assert.Equal((OrderStatus.Succeeded, "ACK-123456789012345", false), (orders["R-DONE"].Status, orders["R-DONE"].ProviderRef, orders["R-DONE"].Refunded));
        Assert.Equal((OrderStatus.Failed, true), (orders["R-REJECTED"].Status, orders["R-REJECTED"].Refunded));
        Assert.Equal((OrderStatus.Pending, (DateTime?)null), (orders["R-AT-PORTAL"].Status, orders["R-AT-PORTAL"].ProviderCallStartedAt));
        Assert.Equal(OrderStatus.Pending, orders["R-UNKNOWN"].Status);
        Assert.NotNull(orders["R-UNKNOWN"].ProviderCallStartedAt);
        Assert.Equal(OrderStatus.Pending, orders["R-UNREACHABLE"].Status);
        Assert.Equal((OrderStatus.Failed, true), (orders["V-NO-RESOLVER"].Status, orders["V-NO-RESOLVER"].Refunded));
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_server_recovers_interrupted_orders_by_itself(string provider)
    {
        await using var server = new InexopayServer(provider, new Dictionary<string, string?>
        {
            ["Orders:InFlightTimeoutSeconds"] = "0",
            ["Orders:RecoveryIntervalSeconds"] = "0.2",
        });
        var (_, reseller) = await ShopAsync(server, 100_00);

        var orphan = (await PlaceAsync(server.Services, reseller, "LEFT-BEHIND")).Order!;

        // The hosted service's next pass picks it up; wait for it (generously: this is not a timing assertion).
        Order stored;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(100);
            await using var scope = server.Services.CreateAsyncScope();
            stored = await scope.ServiceProvider.GetRequiredService<InexopayDb>().Orders.SingleAsync(o => o.Id == orphan.Id);
        } while (stored.Status == OrderStatus.Pending && DateTime.UtcNow < deadline);
        Assert.Equal(OrderStatus.Failed, stored.Status);
        Assert.True(stored.Refunded);
        Assert.Equal(100_00, (await BooksAsync(server, reseller)).BalancePaise);
        await AssertBooksBalanceAsync(server, reseller);
    }
}
