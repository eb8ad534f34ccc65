using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Features.Bank;

/// <summary>
/// The live connector against a real parent: server A resells the bank services of server B (another Inexopay,
/// reached with a reseller's TEST key, so B's sandbox bank answers). A's resellers use their LIVE keys.
/// </summary>
public sealed class UpstreamBankContractSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private sealed record Pair(InexopayServer Parent, CreatedReseller ParentAccount, InexopayServer Child);

    private static readonly ConcurrentDictionary<string, Lazy<Pair>> Pairs = new();

    private static Pair PairFor(string provider) => Pairs.GetOrAdd(provider, p => new Lazy<Pair>(() =>
    {
        var parent = new InexopayServer(p);
        var account = parent.CreateResellerAsync().GetAwaiter().GetResult();
        var child = new InexopayServer(p, new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = parent.BaseAddress.ToString(),
            ["Providers:Upstream:Username"] = account.Username,
            ["Providers:Upstream:ApiKey"] = account.TestApiKey,
            ["Providers:Upstream:TimeoutSeconds"] = "20",
        });
        return new Pair(parent, account, child);
    })).Value;

    private static async Task<BankKit> LiveShopAsync(InexopayServer server) => (await BankKit.NewShopAsync(server, liveCreditPaise: 1_000_00)).Live();

    [Theory, MemberData(nameof(Providers))]
    public async Task Onboarding_is_forwarded_and_the_parents_agent_id_recorded(string provider)
    {
        var pair = PairFor(provider);
        var kit = await LiveShopAsync(pair.Child);
        var fields = BankKit.AgentFields();

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.True(status == 200, body.ToString());
        Assert.Equal("Agent onboarded successfully", body.Str("message"));
        var ours = body.GetProperty("data").Str("bcagentid");
        Assert.Matches("^INEXO[0-9]{4}$", ours);
        Assert.Equal(1_000_00 - 25_00, await kit.BalancePaiseAsync());

        await using var childDb = await pair.Child.DbAsync();
        var agent = await childDb.BankAgents.FirstAsync(a => a.Mode == ApiMode.Live && a.AgentCode == ours);
        Assert.Equal("active", agent.Status);
        Assert.NotNull(agent.UpstreamAgentId);
        await using var parentDb = await pair.Parent.DbAsync();
        var parentAgent = await parentDb.BankAgents.FirstAsync(a => a.Mode == ApiMode.Test && a.AgentCode == agent.UpstreamAgentId);
        Assert.Equal(fields["pancard"], parentAgent.Pan);
        // The parent saw our attempt id, never the reseller's order id.
        Assert.False(await parentDb.Orders.AnyAsync(o => o.OrderRef == fields["order_id"]));
        var childOrder = await kit.OrderAsync(fields["order_id"]);
        Assert.True(await parentDb.Orders.AnyAsync(o => o.OrderRef == childOrder!.ProviderRef));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_and_test_agent_ids_are_separate_sequences(string provider)
    {
        using var parent = new InexopayServer(provider);
        var account = await parent.CreateResellerAsync();
        using var child = new InexopayServer(provider, new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = parent.BaseAddress.ToString(),
            ["Providers:Upstream:Username"] = account.Username,
            ["Providers:Upstream:ApiKey"] = account.TestApiKey,
        });
        var kit = await BankKit.NewShopAsync(child);

        var (_, test1) = await kit.OnboardAsync();
        var (_, test2) = await kit.OnboardAsync();
        var (_, live1) = await kit.Live().OnboardAsync();

        Assert.Equal(["INEXO0001", "INEXO0002"], new[] { test1, test2 }.Select(b => b.GetProperty("data").Str("bcagentid")));
        Assert.Equal("INEXO0001", live1.GetProperty("data").Str("bcagentid"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Test_and_live_keys_have_separate_order_id_spaces(string provider)
    {
        var pair = PairFor(provider);
        var kit = await BankKit.NewShopAsync(pair.Child);
        var orderId = BankKit.NewOrderId();

        var (testStatus, _) = await kit.OnboardAsync(BankKit.AgentFields(orderId: orderId));
        var (liveStatus, live) = await kit.Live().OnboardAsync(BankKit.AgentFields(orderId: orderId));
        var (againStatus, again) = await kit.Live().OnboardAsync(BankKit.AgentFields(orderId: orderId));

        Assert.Equal(200, testStatus);
        Assert.True(liveStatus == 200, live.ToString());
        Assert.Equal((409, "Duplicate order_id"), (againStatus, again.Str("message")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Account_opening_status_and_details_round_trip_through_the_parent(string provider)
    {
        var pair = PairFor(provider);
        var kit = await LiveShopAsync(pair.Child);
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var pan = BankKit.NewPan();
        var fields = BankKit.AccountFields(agentId, agentPan, pan);

        var (status, body) = await kit.PostAsync(BankKit.AccountOpen, fields);

        Assert.True(status == 200, body.ToString());
        Assert.Equal("Account opened successfully", body.Str("message"));
        var number = body.GetProperty("data").Str("account_number");
        Assert.Matches("^50[0-9]{10}$", number);
        Assert.Equal("NSPB0000002", body.GetProperty("data").Str("ifsc_code"));
        Assert.Equal("NSDL Payments Bank - Digital Branch, Mumbai", body.GetProperty("data").Str("branch"));
        Assert.Equal(fields["order_id"], body.GetProperty("data").Str("order_id"));
        // Our fee and our commission: ₹25 + ₹15 charged, ₹10 credited.
        Assert.Equal(1_000_00 - 25_00 - 15_00 + 10_00, await kit.BalancePaiseAsync());
        Assert.Contains(await kit.LedgerAsync(), e => e.Kind == LedgerKind.Commission && e.AmountPaise == 10_00);
        await using (var parentDb = await pair.Parent.DbAsync())
            Assert.True(await parentDb.BankAccounts.AnyAsync(a => a.AccountNumber == number && a.CustomerPan == pan));

        var (statusCode, st) = await kit.StatusAsync(fields["order_id"]);
        var (detailsCode, details) = await kit.DetailsAsync(pan);

        Assert.Equal(200, statusCode);
        Assert.Equal(("active", number, "verified"),
            (st.GetProperty("data").Str("account_status"), st.GetProperty("data").Str("account_number"), st.GetProperty("data").Str("kyc_status")));
        Assert.Equal(200, detailsCode);
        Assert.Equal((number, "0.00", pan), (details.GetProperty("data").Str("account_number"), details.GetProperty("data").Str("balance"),
            details.GetProperty("data").Str("pancard")));

        // The balance is the bank's: once the parent reports money on the account, our details show it.
        await using (var parentDb = await pair.Parent.DbAsync())
            await parentDb.BankAccounts.Where(a => a.AccountNumber == number).ExecuteUpdateAsync(s => s.SetProperty(a => a.BalancePaise, 15_000_00));
        var (_, refreshed) = await kit.DetailsAsync(pan);
        Assert.Equal("15000.00", refreshed.GetProperty("data").Str("balance"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Two_resellers_onboarding_one_person_share_the_parents_agent(string provider)
    {
        var pair = PairFor(provider);
        var a = await LiveShopAsync(pair.Child);
        var b = await LiveShopAsync(pair.Child);
        var pan = BankKit.NewPan();

        var (_, first) = await a.OnboardAsync(BankKit.AgentFields(pan));
        var (status, second) = await b.OnboardAsync(BankKit.AgentFields(pan));

        Assert.Equal(200, status);
        Assert.Equal("Agent onboarded successfully", second.Str("message"));
        await using var db = await pair.Child.DbAsync();
        var agents = await db.BankAgents.Where(x => x.Pan == pan && x.Mode == ApiMode.Live).ToListAsync();
        Assert.Equal(2, agents.Count);
        Assert.Single(agents.Select(x => x.UpstreamAgentId).Distinct());
        Assert.NotEqual(first.GetProperty("data").Str("bcagentid"), second.GetProperty("data").Str("bcagentid"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Parent_refusals_and_errors_are_refunded(string provider)
    {
        var pair = PairFor(provider);
        var kit = await LiveShopAsync(pair.Child);
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var afterAgent = await kit.BalancePaiseAsync();

        var rejectedAgent = await kit.OnboardAsync(f => f["mobile"] = "9000000012");
        var failedAgent = await kit.OnboardAsync(f => f["mobile"] = "9000000013");
        var rejectedAccount = await kit.OpenAccountAsync(agentId, agentPan, f => f["phone"] = "9000000022");
        var failedAccount = await kit.OpenAccountAsync(agentId, agentPan, f => f["phone"] = "9000000023");

        Assert.Equal(422, rejectedAgent.Status);
        Assert.Equal("Agent registration rejected by the bank: PAN and name could not be verified. The fee has been refunded.",
            rejectedAgent.Body.Str("message"));
        Assert.Equal(500, failedAgent.Status);
        Assert.Equal("Bank system error. The fee has been refunded.", failedAgent.Body.Str("message"));
        Assert.Equal(422, rejectedAccount.Status);
        Assert.Contains("customer KYC could not be verified", rejectedAccount.Body.Str("message"));
        Assert.Equal(500, failedAccount.Status);
        foreach (var r in new[] { rejectedAgent, failedAgent, rejectedAccount, failedAccount })
            Assert.True(r.Body.GetProperty("refunded").GetBoolean());
        Assert.Equal(afterAgent, await kit.BalancePaiseAsync());
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Pending_kyc_at_the_parent_stays_pending_and_is_rechecked_on_status(string provider)
    {
        var pair = PairFor(provider);
        var kit = await LiveShopAsync(pair.Child);
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);
        fields["phone"] = "9000000021";

        var (status, body) = await kit.PostAsync(BankKit.AccountOpen, fields);
        var parentOrderCountBefore = await ParentOrderCountAsync(pair);
        var (_, st) = await kit.StatusAsync(fields["order_id"]);

        Assert.Equal(200, status);
        Assert.Equal("pending", body.GetProperty("data").Str("status"));
        Assert.Equal("pending", st.GetProperty("data").Str("account_status"));
        Assert.Equal(OrderStatus.Pending, (await kit.OrderAsync(fields["order_id"]))!.Status);
        Assert.DoesNotContain(await kit.LedgerAsync(), e => e.Kind == LedgerKind.Commission);
        Assert.Equal(parentOrderCountBefore, await ParentOrderCountAsync(pair)); // a status read creates nothing at the parent

        // The parent's KYC completes later: our next status check sees it, finishes the order and credits the commission once.
        var number = body.GetProperty("data").Str("account_number");
        await using (var parentDb = await pair.Parent.DbAsync())
            await parentDb.BankAccounts.Where(a => a.AccountNumber == number)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, "active").SetProperty(a => a.KycStatus, "verified"));
        var (_, later) = await kit.StatusAsync(fields["order_id"]);
        await kit.StatusAsync(fields["order_id"]);

        Assert.Equal(("active", "verified"), (later.GetProperty("data").Str("account_status"), later.GetProperty("data").Str("kyc_status")));
        Assert.Equal(OrderStatus.Succeeded, (await kit.OrderAsync(fields["order_id"]))!.Status);
        Assert.Single(await kit.LedgerAsync(), e => e.Kind == LedgerKind.Commission);
        Assert.Equal(1_000_00 - 25_00 - 15_00 + 10_00, await kit.BalancePaiseAsync());
        await kit.AssertLedgerConsistentAsync();
    }

    private static async Task<int> ParentOrderCountAsync(Pair pair)
    {
        await using var db = await pair.Parent.DbAsync();
        return await db.Orders.CountAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Unreachable_parent_is_500_and_refunded(string provider)
    {
        using var child = new InexopayServer(provider, new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}",
            ["Providers:Upstream:Username"] = "parent_user",
            ["Providers:Upstream:ApiKey"] = "ixp_test_whatever",
            ["Providers:Upstream:TimeoutSeconds"] = "5",
        });
        var kit = await LiveShopAsync(child);
        var fields = BankKit.AgentFields();

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(500, status);
        Assert.Equal("NSDL Bank service is temporarily unavailable. Please retry later. The fee has been refunded.", body.Str("message"));
        Assert.True(body.GetProperty("refunded").GetBoolean());
        Assert.Equal(1_000_00, await kit.BalancePaiseAsync());
        var order = await kit.OrderAsync(fields["order_id"]);
        Assert.Equal((OrderStatus.Failed, true), (order!.Status, order.Refunded));
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Wrong_parent_credentials_are_our_problem_500_refunded(string provider)
    {
        var pair = PairFor(provider);
        using var child = new InexopayServer(provider, new Dictionary<string, string?>
        {
            ["Providers:Upstream:BaseUrl"] = pair.Parent.BaseAddress.ToString(),
            ["Providers:Upstream:Username"] = pair.ParentAccount.Username,
            ["Providers:Upstream:ApiKey"] = "ixp_test_not_a_real_key",
        });
        var kit = await LiveShopAsync(child);

        var (status, body) = await kit.OnboardAsync();

        Assert.Equal(500, status);
        Assert.StartsWith("NSDL Bank service is temporarily unavailable", body.Str("message"));
        Assert.Equal(1_000_00, await kit.BalancePaiseAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_without_a_configured_upstream_is_503_and_moves_no_money(string provider)
    {
        var kit = await LiveShopAsync(SharedServers.For(provider));
        var fields = BankKit.AgentFields();

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(503, status);
        Assert.Equal(503, body.GetProperty("error_code").GetInt32());
        Assert.Equal("Live NSDL Bank service is not configured on this server. Use your test API key for the sandbox, or contact support.",
            body.Str("message"));
        Assert.Equal(1_000_00, await kit.BalancePaiseAsync());
        Assert.Null(await kit.OrderAsync(fields["order_id"]));
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
