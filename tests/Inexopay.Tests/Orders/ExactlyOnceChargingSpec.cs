using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Inexopay.Tests.Orders.OrderHarness;

namespace Inexopay.Tests.Orders;

/// <summary>
/// PRODUCT.md 3 and 10: every paid call charged exactly once, with real concurrency on each database. Requests go
/// straight into <see cref="OrderPipeline"/>, one DI scope each, many at the same instant.
/// </summary>
public sealed class ExactlyOnceChargingSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private const long Fee = 1_50; // Premium, pan_verification

    [Theory, MemberData(nameof(Providers))]
    public async Task The_same_order_id_sent_32_times_at_once_is_placed_and_charged_once(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 1_000_00);
        Assert.Equal(Fee, reseller.FeeFor(Services.PanVerification));

        var results = await ConcurrentlyAsync(32, _ => PlaceAsync(server.Services, reseller, "ORD-SAME-1"));

        var placed = Assert.Single(results, r => r.Status == PlaceStatus.Placed);
        Assert.Equal(31, results.Count(r => r.Status == PlaceStatus.Duplicate));
        Assert.Equal(1_000_00 - Fee, placed.BalanceAfterPaise);
        var books = await BooksAsync(server, reseller);
        var order = Assert.Single(books.Orders);
        var charge = Assert.Single(books.Entries, e => e.Kind == LedgerKind.Charge);
        Assert.Equal(order.ChargeEntryId, charge.Id);
        Assert.Equal(order.Id, charge.OrderId);
        Assert.Equal(-Fee, charge.AmountPaise);
        Assert.Equal(1_000_00 - Fee, books.BalancePaise);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Sixty_four_clients_with_colliding_order_ids_on_one_wallet_charge_each_accepted_order_exactly_once(string provider)
    {
        var server = SharedServers.For(provider);
        const long start = 100 * Fee; // less than the ids tried would cost: the wallet runs dry, and refunds refill it
        var (_, reseller) = await ShopAsync(server, start);

        // 64 clients × 8 attempts over 160 ids: most ids are tried by several clients, many at the same moment.
        // What the "provider" answers depends only on the id, so whichever attempt wins records the same outcome.
        static ProviderOutcome OutcomeFor(string id) => (int.Parse(id[2..]) % 4) switch
        {
            0 => ProviderOutcome.Failed("upstream error"),
            1 => ProviderOutcome.Failed("reseller's mistake", refund: false),
            _ => ProviderOutcome.Succeeded("REQ-" + id),
        };
        var attempts = await ConcurrentlyAsync(64, async client =>
        {
            var random = new Random(client);
            var seen = new List<(string Id, PlaceResult Placed, CompleteResult? Completed)>();
            for (var i = 0; i < 8; i++)
            {
                var id = "C-" + random.Next(160);
                var placed = await PlaceAsync(server.Services, reseller, id);
                CompleteResult? completed = placed.Status == PlaceStatus.Placed
                    ? await CompleteAsync(server.Services, placed.Order!, OutcomeFor(id))
                    : null;
                seen.Add((id, placed, completed));
            }
            return seen;
        });
        var all = attempts.SelectMany(a => a).ToList();
        var books = await BooksAsync(server, reseller);

        var placedIds = all.Where(a => a.Placed.Status == PlaceStatus.Placed).Select(a => a.Id).ToList();
        Assert.Equal(placedIds.Count, placedIds.Distinct().Count()); // no id accepted twice
        Assert.Equal(placedIds.Order(), books.Orders.Select(o => o.OrderRef).Order()); // every accepted order recorded, nothing else
        var orderIds = books.Orders.Select(o => o.OrderRef).ToHashSet();
        Assert.All(all.Where(a => a.Placed.Status == PlaceStatus.Duplicate), a => Assert.Contains(a.Id, orderIds));
        Assert.Contains(all, a => a.Placed.Status == PlaceStatus.Duplicate);
        Assert.Contains(all, a => a.Placed.Status == PlaceStatus.InsufficientBalance);
        Assert.All(all, a => Assert.True(a.Placed.BalanceAfterPaise >= 0));
        Assert.All(all.Where(a => a.Completed is not null), a => Assert.True(a.Completed!.Applied));

        // One charge per order, one refund per refundable failure, and the balance is exactly what that implies.
        var charges = books.Entries.Where(e => e.Kind == LedgerKind.Charge).ToList();
        var refunds = books.Entries.Where(e => e.Kind == LedgerKind.Refund).ToList();
        Assert.Equal(books.Orders.Count, charges.Count);
        Assert.Equal(books.Orders.Select(o => o.ChargeEntryId).Order(), charges.Select(c => (long?)c.Id).Order());
        var refundable = books.Orders.Where(o => OutcomeFor(o.OrderRef) is { Status: OrderStatus.Failed, Refund: true }).ToList();
        Assert.Equal(refundable.Select(o => o.ChargeEntryId).Order(), refunds.Select(r => r.ReversesEntryId).Order());
        Assert.All(books.Orders, o => Assert.Equal(OutcomeFor(o.OrderRef).Status, o.Status));
        Assert.All(books.Orders, o => Assert.Null(o.ProviderCallStartedAt));
        Assert.Equal(start - Fee * books.Orders.Count + Fee * refundable.Count, books.BalancePaise);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_hot_wallet_drains_to_exactly_zero_and_never_below(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 10 * Fee);

        var results = await ConcurrentlyAsync(40, i => PlaceAsync(server.Services, reseller, $"HOT-{i}"));

        Assert.Equal(10, results.Count(r => r.Status == PlaceStatus.Placed));
        Assert.Equal(30, results.Count(r => r.Status == PlaceStatus.InsufficientBalance));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i * Fee).Order(),
            results.Where(r => r.Status == PlaceStatus.Placed).Select(r => r.BalanceAfterPaise).Order());
        var books = await BooksAsync(server, reseller);
        Assert.Equal(0, books.BalancePaise);
        Assert.Equal(10, books.Orders.Count); // a refused order leaves no row behind
        Assert.Equal(PlaceStatus.InsufficientBalance, (await PlaceAsync(server.Services, reseller, "HOT-LAST")).Status);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Failure_reports_racing_their_retries_refund_the_order_exactly_once(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);
        var order = (await PlaceAsync(server.Services, reseller, "RACE-REFUND")).Order!;

        var results = await ConcurrentlyAsync(48, async i =>
        {
            await using var scope = server.Services.CreateAsyncScope();
            var pipeline = scope.ServiceProvider.GetRequiredService<OrderPipeline>();
            var copy = new Order { Id = order.Id, ResellerId = order.ResellerId, Mode = order.Mode, OrderRef = order.OrderRef, Service = order.Service };
            return (i % 3) switch
            {
                0 => (await pipeline.TryCompleteAsync(copy, ProviderOutcome.Failed("upstream timeout"))).Applied,
                1 => await pipeline.FailAndRefundAsync(copy, "retry gave up"),
                _ => (await pipeline.TryCompleteAsync(copy, ProviderOutcome.Failed("upstream 500"))).Applied,
            };
        });

        Assert.Single(results, applied => applied);
        var books = await BooksAsync(server, reseller);
        var refund = Assert.Single(books.Entries, e => e.Kind == LedgerKind.Refund);
        var stored = Assert.Single(books.Orders);
        Assert.Equal(stored.ChargeEntryId, refund.ReversesEntryId);
        Assert.Equal(Fee, refund.AmountPaise);
        Assert.Equal(stored.Id, refund.OrderId);
        Assert.True(stored.Refunded);
        Assert.Equal(OrderStatus.Failed, stored.Status);
        Assert.Equal(100_00, books.BalancePaise);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Success_and_failure_reported_at_once_record_one_outcome(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);
        var order = (await PlaceAsync(server.Services, reseller, "RACE-OUTCOME")).Order!;

        var results = await ConcurrentlyAsync(32, i => CompleteAsync(server.Services, order,
            i % 2 == 0 ? ProviderOutcome.Succeeded("REQ-1") : ProviderOutcome.Failed("upstream error")));

        var winner = Assert.Single(results, r => r.Applied);
        Assert.All(results, r => Assert.Equal(winner.Status, r.Status)); // the losers learn what was recorded
        var books = await BooksAsync(server, reseller);
        Assert.Equal(winner.Status, Assert.Single(books.Orders).Status);
        Assert.Equal(winner.Status == OrderStatus.Failed ? 1 : 0, books.Entries.Count(e => e.Kind == LedgerKind.Refund));
        Assert.Equal(winner.Status == OrderStatus.Failed ? 100_00 : 100_00 - Fee, books.BalancePaise);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Order_ids_are_unique_per_reseller_and_mode_across_services(string provider)
    {
        var server = SharedServers.For(provider);
        var (shop, live) = await ShopAsync(server, 500_00);
        var (_, other) = await ShopAsync(server, 500_00);
        var test = (await server.Services.GetRequiredService<Inexopay.Server.Auth.ResellerAuthenticator>()
            .AuthenticateAsync(shop.Username, shop.TestApiKey, System.Net.IPAddress.Loopback, CancellationToken.None)).Reseller!;

        Assert.Equal(PlaceStatus.Placed, (await PlaceAsync(server.Services, live, "SHARED-1", Services.PanVerification)).Status);
        Assert.Equal(PlaceStatus.Duplicate, (await PlaceAsync(server.Services, live, "SHARED-1", Services.PanNew)).Status);
        Assert.Equal(PlaceStatus.Duplicate, (await PlaceAsync(server.Services, live, "SHARED-1", Services.BankOnboarding)).Status);
        Assert.Equal(PlaceStatus.Placed, (await PlaceAsync(server.Services, test, "SHARED-1", Services.PanNew)).Status);
        Assert.Equal(PlaceStatus.Placed, (await PlaceAsync(server.Services, other, "SHARED-1", Services.PanVerification)).Status);

        var books = await BooksAsync(server, live);
        Assert.Single(books.Orders);
        Assert.Single(books.Entries, e => e.Kind == LedgerKind.Charge);
        Assert.Equal(500_00 - Fee, books.BalancePaise);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_refused_order_id_can_be_used_again_after_a_top_up(string provider)
    {
        var server = SharedServers.For(provider);
        var (shop, reseller) = await ShopAsync(server, 1_00);

        var refused = await PlaceAsync(server.Services, reseller, "TOPUP-1");
        await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().AdjustAsync(shop.Username, ApiMode.Live, 10_00, "top-up", "test"));
        var placed = await PlaceAsync(server.Services, reseller, "TOPUP-1");

        Assert.Equal(PlaceStatus.InsufficientBalance, refused.Status);
        Assert.Equal(1_00, refused.BalanceAfterPaise);
        Assert.Equal(Fee, refused.FeePaise);
        Assert.Equal(PlaceStatus.Placed, placed.Status);
        Assert.Equal(11_00 - Fee, placed.BalanceAfterPaise);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_service_outside_the_plan_is_refused_without_touching_the_wallet(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);
        var withoutVerification = reseller with
        {
            Fees = reseller.Fees.Where(f => f.Key != Services.PanVerification).ToDictionary(f => f.Key, f => f.Value),
        };

        var result = await PlaceAsync(server.Services, withoutVerification, "NOT-IN-PLAN");

        Assert.Equal(PlaceStatus.ServiceNotInPlan, result.Status);
        var books = await BooksAsync(server, reseller);
        Assert.Empty(books.Orders);
        Assert.Equal(100_00, books.BalancePaise);
    }
}
