using System.Text.Json;
using System.Text.RegularExpressions;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Bank;

/// <summary>POST /api/nsdl-bank/v1/onboarding.php against the sandbox bank (test keys).</summary>
public sealed class OnboardingSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Onboarding_answers_the_contract_shape_and_charges_the_plan_fee(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var pan = BankKit.NewPan();
        var fields = BankKit.AgentFields(pan);

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.True, body.GetProperty("status").ValueKind);
        Assert.Equal("Agent onboarded successfully", body.Str("message"));
        var data = body.GetProperty("data");
        Assert.Matches("^INEXO[0-9]{4,}$", data.Str("bcagentid"));
        Assert.Equal("Rahul Kumar", data.Str("agent_name"));
        Assert.Equal("My Shop", data.Str("shop_name"));
        Assert.Equal("9876543210", data.Str("mobile"));
        Assert.Equal("rahul@gmail.com", data.Str("email"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", data.Str("created_at"));
        Assert.Equal("active", data.Str("status"));
        Assert.Equal(fields["order_id"], data.Str("order_id"));
        Assert.Equal("25.00", body.GetProperty("amount").GetRawText());
        Assert.Equal("9975.00", body.GetProperty("balance").GetRawText());
        Assert.Equal(10_000_00 - 25_00, await kit.BalancePaiseAsync());
        var order = await kit.OrderAsync(fields["order_id"]);
        Assert.Equal((OrderStatus.Succeeded, Services.BankOnboarding), (order!.Status, order.Service));
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Duplicate_order_id_is_409_and_not_charged(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var orderId = BankKit.NewOrderId();
        await kit.OnboardAsync(BankKit.AgentFields(orderId: orderId));
        var balance = await kit.BalancePaiseAsync();

        var (status, body) = await kit.OnboardAsync(BankKit.AgentFields(orderId: orderId));

        Assert.Equal(409, status);
        Assert.Equal(JsonValueKind.False, body.GetProperty("status").ValueKind);
        Assert.Equal(409, body.GetProperty("error_code").GetInt32());
        Assert.Equal("Duplicate order_id", body.Str("message"));
        Assert.Equal(balance, await kit.BalancePaiseAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Order_ids_are_unique_across_the_bank_services(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var orderId = BankKit.NewOrderId();
        Assert.Equal(200, (await kit.PostAsync(BankKit.AccountOpen, BankKit.AccountFields(agentId, agentPan, orderId: orderId))).Status);

        var (status, body) = await kit.OnboardAsync(BankKit.AgentFields(orderId: orderId));

        Assert.Equal((409, "Duplicate order_id"), (status, body.Str("message")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Same_pan_with_a_new_order_id_answers_the_existing_agent_uncharged(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var pan = BankKit.NewPan();
        var (_, first) = await kit.OnboardAsync(BankKit.AgentFields(pan));
        var balance = await kit.BalancePaiseAsync();
        var secondOrder = BankKit.NewOrderId();

        var (status, body) = await kit.OnboardAsync(f => { f["pancard"] = pan.ToLowerInvariant(); f["order_id"] = secondOrder; f["name"] = "Someone Else"; });

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.True, body.GetProperty("status").ValueKind);
        Assert.Equal("Agent already onboarded", body.Str("message"));
        Assert.Equal(first.GetProperty("data").Str("bcagentid"), body.GetProperty("data").Str("bcagentid"));
        Assert.Equal("Rahul Kumar", body.GetProperty("data").Str("agent_name"));
        Assert.Equal(balance, await kit.BalancePaiseAsync());
        Assert.Null(await kit.OrderAsync(secondOrder));
        await using var db = await kit.Server.DbAsync();
        Assert.Equal(1, await db.BankAgents.CountAsync(a => a.Pan == pan));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Different_resellers_may_onboard_the_same_pan_each_with_their_own_agent(string provider)
    {
        var server = SharedServers.For(provider);
        var a = await BankKit.NewShopAsync(server);
        var b = await BankKit.NewShopAsync(server);
        var pan = BankKit.NewPan();

        var (_, first) = await a.OnboardAsync(BankKit.AgentFields(pan));
        var (status, second) = await b.OnboardAsync(BankKit.AgentFields(pan));

        Assert.Equal(200, status);
        Assert.Equal("Agent onboarded successfully", second.Str("message"));
        Assert.NotEqual(first.GetProperty("data").Str("bcagentid"), second.GetProperty("data").Str("bcagentid"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Magic_mobile_leaves_the_agent_pending_and_the_charge_standing(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var fields = BankKit.AgentFields();
        fields["mobile"] = "9000000011";

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.True, body.GetProperty("status").ValueKind);
        Assert.Equal("pending", body.GetProperty("data").Str("status"));
        Assert.Equal(10_000_00 - 25_00, await kit.BalancePaiseAsync());
        Assert.Equal(OrderStatus.Pending, (await kit.OrderAsync(fields["order_id"]))!.Status);
        var (_, again) = await kit.OnboardAsync(f => f["pancard"] = fields["pancard"]);
        Assert.Equal("Agent already onboarded", again.Str("message"));
        Assert.Equal("pending", again.GetProperty("data").Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Rejected_agent_is_refunded_and_may_be_resubmitted_keeping_its_id(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var pan = BankKit.NewPan();
        var fields = BankKit.AgentFields(pan);
        fields["mobile"] = "9000000012";

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(422, status);
        Assert.Equal(JsonValueKind.False, body.GetProperty("status").ValueKind);
        Assert.Equal(422, body.GetProperty("error_code").GetInt32());
        Assert.Contains("rejected", body.Str("message"));
        Assert.Contains("refunded", body.Str("message"));
        Assert.True(body.GetProperty("refunded").GetBoolean());
        Assert.Equal(10_000_00, await kit.BalancePaiseAsync());
        var order = await kit.OrderAsync(fields["order_id"]);
        Assert.Equal((OrderStatus.Failed, true), (order!.Status, order.Refunded));
        var rejectedId = body.Str("bcagentid");

        var retry = BankKit.AgentFields(pan);
        var (retryStatus, retried) = await kit.OnboardAsync(retry);

        Assert.Equal(200, retryStatus);
        Assert.Equal("Agent onboarded successfully", retried.Str("message"));
        Assert.Equal(rejectedId, retried.GetProperty("data").Str("bcagentid"));
        Assert.Equal(10_000_00 - 25_00, await kit.BalancePaiseAsync());
        // The first order still reports how it ended; the new one the agent's state.
        var (_, oldStatus) = await kit.StatusAsync(fields["order_id"]);
        var (_, newStatus) = await kit.StatusAsync(retry["order_id"]);
        Assert.Equal("rejected", oldStatus.GetProperty("data").Str("account_status"));
        Assert.Equal("active", newStatus.GetProperty("data").Str("account_status"));
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Bank_system_error_is_500_and_refunded(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var fields = BankKit.AgentFields();
        fields["mobile"] = "9000000013";

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(500, status);
        Assert.Equal(500, body.GetProperty("error_code").GetInt32());
        Assert.Contains("Bank system error", body.Str("message"));
        Assert.Equal("10000.00", body.GetProperty("balance").GetRawText());
        Assert.Equal(10_000_00, await kit.BalancePaiseAsync());
        var ledger = await kit.LedgerAsync();
        Assert.Equal([LedgerKind.TopUp, LedgerKind.Charge, LedgerKind.Refund], ledger.Select(e => e.Kind));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Insufficient_balance_is_402_and_creates_nothing(string provider)
    {
        var server = SharedServers.For(provider);
        var kit = await BankKit.NewShopAsync(server);
        await server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<InexopayDb>();
            // Drain the test wallet through the ledger, as an operator adjustment would.
            var reseller = await db.Resellers.FirstAsync(r => r.Username == kit.Shop.Username);
            var wallet = await db.Wallets.FirstAsync(w => w.ResellerId == reseller.Id && w.Mode == ApiMode.Test);
            await using var tx = await db.Database.BeginTransactionAsync();
            await Inexopay.Server.Features.Wallet.Ledger.PostAsync(db, wallet.Id, LedgerKind.Adjustment, -(wallet.BalancePaise - 10_00), DateTime.UtcNow, "test drain");
            await tx.CommitAsync();
            return 0;
        });
        var fields = BankKit.AgentFields();

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(402, status);
        Assert.Equal(402, body.GetProperty("error_code").GetInt32());
        Assert.Equal("Insufficient Balance", body.Str("message"));
        Assert.Equal(10_00, await kit.BalancePaiseAsync());
        Assert.Null(await kit.OrderAsync(fields["order_id"]));
        await using var check = await server.DbAsync();
        Assert.False(await check.BankAgents.AnyAsync(a => a.Pan == fields["pancard"]));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Authentication_failures_use_the_bank_shape(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(bindIps: ["203.0.113.9"]);
        var http = server.Http();
        var fields = BankKit.AgentFields().Select(f => (f.Key, f.Value)).ToArray();

        var (s1, b1) = await http.PostFormJsonAsync(BankKit.Onboarding, [("api_key", shop.TestApiKey), ("username", "nobody"), .. fields]);
        var (s2, b2) = await http.PostFormJsonAsync(BankKit.Onboarding, [("username", shop.Username), .. fields]);
        var (s3, b3) = await http.PostFormJsonAsync(BankKit.Onboarding, [("api_key", shop.LiveApiKey), ("username", shop.Username), .. fields]);
        using var get = await http.GetAsync(BankKit.Onboarding);

        Assert.Equal((401, "Invalid API key or username"), (s1, b1.Str("message")));
        Assert.Equal(JsonValueKind.False, b1.GetProperty("status").ValueKind);
        Assert.Equal(401, b1.GetProperty("error_code").GetInt32());
        Assert.Equal((400, "Missing required parameter: api_key"), (s2, b2.Str("message")));
        Assert.Equal(403, s3);
        Assert.StartsWith("IP Address Not Whitelisted", b3.Str("message"));
        Assert.Equal(405, (int)get.StatusCode);
        Assert.Contains("\"error_code\":405", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rate_limited_requests_get_429_with_retry_after()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite);
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView("BankTiny", 0, 30, 2, 1,
                new Dictionary<string, long> { [Services.BankOnboarding] = 100 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var kit = new BankKit(server, await server.CreateResellerAsync(plan: "BankTiny", bindIps: ["127.0.0.1"]));

        await kit.OnboardAsync();
        await kit.OnboardAsync();
        using var third = await server.Http().PostFormAsync(BankKit.Onboarding, ("api_key", kit.ApiKey), ("username", kit.Shop.Username));

        Assert.Equal(429, (int)third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var body = JsonDocument.Parse(await third.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, body.GetProperty("error_code").GetInt32());
        Assert.Equal(JsonValueKind.False, body.GetProperty("status").ValueKind);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Plan_without_the_service_is_refused_uncharged(string provider)
    {
        var server = SharedServers.For(provider);
        var plan = "NoBank_" + Guid.NewGuid().ToString("N")[..6];
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView(plan, 0, 30, 0, 0,
                new Dictionary<string, long> { [Services.PanVerification] = 100 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var kit = new BankKit(server, await server.CreateResellerAsync(plan: plan));

        var (status, body) = await kit.OnboardAsync();

        Assert.Equal(403, status);
        Assert.Contains("does not include", body.Str("message"));
        Assert.Equal(10_000_00, await kit.BalancePaiseAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Json_bodies_are_accepted(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var fields = BankKit.AgentFields();
        fields["api_key"] = kit.ApiKey;
        fields["username"] = kit.Shop.Username;

        using var response = await kit.Server.Http().PostAsync(BankKit.Onboarding,
            new StringContent(JsonSerializer.Serialize(fields), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Matches(new Regex("\"status\":true"), await response.Content.ReadAsStringAsync());
    }
}
