using System.Net;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Verification;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Inexopay.Tests.Features.Verification.PanApi;

namespace Inexopay.Tests.Features.Verification;

/// <summary>What PAN verification does to the wallet: charged once per accepted transaction id, never for refusals.</summary>
public sealed class PanVerificationMoneySpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_repeated_transaction_id_is_409_and_charges_nothing(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        var first = await http.VerifyAsync(shop, "ABCPV1234D", transactionId: "dup-1");
        var again = await http.VerifyAsync(shop, "BNZPM2501F", "PRIYA MEHTA", "01/01/1985", transactionId: "dup-1");

        Assert.Equal(200, first.Status);
        AssertFailure(again, 409, "Duplicate Transaction ID entered", "dup-1");
        Assert.False(again.Body.TryGetProperty("charged", out _));
        Assert.Equal(1_000_000 - 150, await server.BalancePaiseAsync(shop, ApiMode.Test));
        Assert.Single(await server.LedgerAsync(shop, ApiMode.Test), l => l.Kind == "charge");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Transaction_ids_are_shared_with_the_other_services_of_the_same_mode(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        await server.WithScopeAsync(async sp =>
        {
            var auth = await sp.GetRequiredService<ResellerAuthenticator>().AuthenticateAsync(shop.Username, shop.TestApiKey, IPAddress.Loopback, default);
            var placed = await sp.GetRequiredService<OrderPipeline>().PlaceAsync(auth.Reseller!, Services.PanNew, "shared-1", null);
            Assert.Equal(PlaceStatus.Placed, placed.Status);
            return 0;
        });
        var before = await server.BalancePaiseAsync(shop, ApiMode.Test);

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", transactionId: "shared-1");

        AssertFailure(reply, 409, "Duplicate Transaction ID entered", "shared-1");
        Assert.Equal(before, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_empty_wallet_is_402_with_the_fee_and_balance_and_records_nothing(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().AdjustAsync(shop.Username, ApiMode.Test, -9_999_00, "drain", "test"));
        var http = server.Http();

        var reply = await http.VerifyAsync(shop, "ABCPV1234D", transactionId: "poor-1");

        AssertFailure(reply, 402, "Insufficient balance: PAN verification costs INR 1.50 and your test wallet has INR 1.00", "poor-1");
        Assert.Equal(("1.50", "1.00"), (reply.Body.GetProperty("required").GetRawText(), reply.Body.GetProperty("balance").GetRawText()));
        Assert.Equal(100, await server.BalancePaiseAsync(shop, ApiMode.Test));

        await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().AdjustAsync(shop.Username, ApiMode.Test, 100, "top up", "test"));
        Assert.Equal(200, (await http.VerifyAsync(shop, "ABCPV1234D", transactionId: "poor-1")).Status);
        Assert.Equal(50, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_live_key_without_a_configured_provider_is_503_and_charges_nothing(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(liveCreditPaise: 500_00);

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", transactionId: "live-1", live: true);

        AssertFailure(reply, 503, "PAN verification is not configured for live mode", "live-1");
        Assert.Contains("sandbox", reply.Body.Str("reason"));
        Assert.Equal(500_00, await server.BalancePaiseAsync(shop, ApiMode.Live));
        Assert.DoesNotContain(await server.LedgerAsync(shop, ApiMode.Live), l => l.Kind == "charge");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Concurrent_requests_with_one_transaction_id_are_answered_once_and_charged_once(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        var replies = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
            Task.Run(() => http.VerifyAsync(shop, "ABCPV1234D", transactionId: "race-1"))));

        Assert.Single(replies, r => r.Status == 200);
        Assert.Equal(31, replies.Count(r => r.Status == 409 && r.Message == "Duplicate Transaction ID entered"));
        Assert.Equal(1_000_000 - 150, await server.BalancePaiseAsync(shop, ApiMode.Test));
        Assert.Single(await server.LedgerAsync(shop, ApiMode.Test), l => l.Kind == "charge");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Concurrent_distinct_requests_are_each_charged_exactly_once(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => http.VerifyAsync(shop, i % 4 == 0 ? "AAAPZ5001S" : "ABCPV1234D", transactionId: $"many-{i}"))));

        Assert.Equal(30, replies.Count(r => r.Status == 200));
        Assert.Equal(10, replies.Count(r => r.Status == 500 && r.Message == "System Error"));
        Assert.Equal(1_000_000 - 30 * 150, await server.BalancePaiseAsync(shop, ApiMode.Test));
        var ledger = await server.LedgerAsync(shop, ApiMode.Test);
        Assert.Equal(40, ledger.Count(l => l.Kind == "charge"));
        Assert.Equal(10, ledger.Count(l => l.Kind == "refund"));
    }

    [Fact]
    public async Task An_interrupted_verification_is_refunded_by_the_sweeper_once()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite);
        var shop = await server.CreateResellerAsync();
        await server.WithScopeAsync(async sp =>
        {
            var auth = await sp.GetRequiredService<ResellerAuthenticator>().AuthenticateAsync(shop.Username, shop.TestApiKey, IPAddress.Loopback, default);
            return await sp.GetRequiredService<OrderPipeline>().PlaceAsync(auth.Reseller!, Services.PanVerification, "stuck-1", null);
        });
        var sweeper = server.Services.GetRequiredService<StaleVerificationSweeper>();

        Assert.Equal(0, await sweeper.SweepAsync(TimeSpan.FromMinutes(5), default));
        Assert.Equal(1, await sweeper.SweepAsync(TimeSpan.Zero, default));
        Assert.Equal(0, await sweeper.SweepAsync(TimeSpan.Zero, default));

        Assert.Equal(1_000_000, await server.BalancePaiseAsync(shop, ApiMode.Test));
        var order = await server.WithScopeAsync(sp => sp.GetRequiredService<InexopayDb>().Orders.SingleAsync(o => o.OrderRef == "stuck-1"));
        Assert.Equal((OrderStatus.Failed, true, StaleVerificationSweeper.Reason), (order.Status, order.Refunded, order.FailureReason));
    }

    [Fact]
    public async Task A_database_failure_is_the_generic_system_failure_and_charges_nothing()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite);
        var shop = await server.CreateResellerAsync();
        await server.WithScopeAsync(sp => sp.GetRequiredService<InexopayDb>().Database.ExecuteSqlRawAsync("""ALTER TABLE "Orders" RENAME TO "OrdersGone" """));

        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", transactionId: "db-1");

        AssertFailure(reply, 500, "System Failure or common error message for request", null, metaData: false);
        await server.WithScopeAsync(sp => sp.GetRequiredService<InexopayDb>().Database.ExecuteSqlRawAsync("""ALTER TABLE "OrdersGone" RENAME TO "Orders" """));
        Assert.Equal(1_000_000, await server.BalancePaiseAsync(shop, ApiMode.Test));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_order_keeps_the_outcome_but_only_a_masked_pan(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var reply = await server.Http().VerifyAsync(shop, "ABCPV1234D", fatherName: "SURESH KUMAR SHARMA", transactionId: "rec-1");

        var order = await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            var reseller = await db.Resellers.SingleAsync(r => r.Username == shop.Username);
            return await db.Orders.SingleAsync(o => o.ResellerId == reseller.Id && o.OrderRef == "rec-1");
        });

        Assert.Equal((Services.PanVerification, OrderStatus.Succeeded, 150L, false), (order.Service, order.Status, order.FeePaise, order.Refunded));
        Assert.Equal(reply.Body.GetProperty("metaData").Str("requestId"), order.ProviderRef);
        Assert.Null(order.ProviderCallStartedAt);
        Assert.Equal("""{"pan":"ABCPV****D","fatherName":true}""", order.RequestJson);
        Assert.DoesNotContain("ABCPV1234D", order.ResultJson);
        Assert.Contains("\"panStatus\":\"Existing and Valid\"", order.ResultJson);
    }
}
