using System.Text.Json;
using Inexopay.Server.Features.Bank;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Features.Bank;

/// <summary>POST /api/nsdl-bank/v1/account-open.php against the sandbox bank.</summary>
public sealed class AccountOpenSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Opening_answers_the_contract_shape_charges_the_fee_and_credits_the_commission(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);

        var (status, body) = await kit.PostAsync(BankKit.AccountOpen, fields);

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.True, body.GetProperty("status").ValueKind);
        Assert.Equal("Account opened successfully", body.Str("message"));
        var data = body.GetProperty("data");
        Assert.Matches("^50[0-9]{10}$", data.Str("account_number"));
        Assert.True(SandboxBank.IsAccountNumber(data.Str("account_number")));
        Assert.Equal("saving", data.Str("account_type"));
        Assert.Equal("Rahul Kumar Sharma", data.Str("customer_name"));
        Assert.Equal("NSPB0000002", data.Str("ifsc_code"));
        Assert.Equal("NSDL Payments Bank - Digital Branch, Mumbai", data.Str("branch"));
        Assert.Equal("active", data.Str("status"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", data.Str("created_at"));
        Assert.Equal("verified", data.Str("kyc_status"));
        Assert.Equal(fields["order_id"], data.Str("order_id"));
        Assert.Equal("15.00", body.GetProperty("amount").GetRawText());
        Assert.Equal("10.00", body.GetProperty("commission").GetRawText());

        // Premium: onboarding ₹25, account ₹15 charged, ₹10 commission credited as its own entry.
        var ledger = await kit.LedgerAsync();
        Assert.Equal([LedgerKind.TopUp, LedgerKind.Charge, LedgerKind.Charge, LedgerKind.Commission], ledger.Select(e => e.Kind));
        var order = await kit.OrderAsync(fields["order_id"]);
        var commission = ledger[^1];
        Assert.Equal((10_00L, order!.Id), (commission.AmountPaise, commission.OrderId));
        Assert.Equal(10_000_00 - 25_00 - 15_00 + 10_00, await kit.BalancePaiseAsync());
        Assert.Equal("9970.00", body.GetProperty("balance").GetRawText());
        Assert.Equal(OrderStatus.Succeeded, order.Status);
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Current_account_without_middle_name(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();

        var (status, body) = await kit.OpenAccountAsync(agentId, agentPan, f => { f["account_type"] = "Current"; f.Remove("middle_name"); });

        Assert.Equal(200, status);
        Assert.Equal("current", body.GetProperty("data").Str("account_type"));
        Assert.Equal("Rahul Sharma", body.GetProperty("data").Str("customer_name"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Agent_must_exist_match_the_pan_and_be_active_else_nothing_is_charged(string provider)
    {
        var server = SharedServers.For(provider);
        var kit = await BankKit.NewShopAsync(server);
        var other = await BankKit.NewShopAsync(server);
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var (othersAgent, othersPan) = await other.ActiveAgentAsync();
        var pendingPan = BankKit.NewPan();
        var (_, pending) = await kit.OnboardAsync(f => { f["pancard"] = pendingPan; f["mobile"] = "9000000011"; });
        var pendingId = pending.GetProperty("data").Str("bcagentid");
        var balance = await kit.BalancePaiseAsync();

        var unknown = await kit.OpenAccountAsync("INEXO9999", agentPan);
        var foreign = await kit.OpenAccountAsync(othersAgent, othersPan);
        var mismatch = await kit.OpenAccountAsync(agentId, BankKit.NewPan());
        var inactive = await kit.OpenAccountAsync(pendingId, pendingPan);
        var liveKeyForTestAgent = await kit.Live().OpenAccountAsync(agentId, agentPan);

        Assert.Equal(400, unknown.Status);
        Assert.Equal("bcagentid INEXO9999 is not a BC agent onboarded with your account (test mode)", unknown.Body.Str("message"));
        Assert.Equal(400, foreign.Status);
        Assert.Contains($"bcagentid {othersAgent} is not a BC agent onboarded with your account", foreign.Body.Str("message"));
        Assert.Equal(403, mismatch.Status);
        Assert.Equal($"agent_pancard does not match the PAN registered for BC agent {agentId}", mismatch.Body.Str("message"));
        Assert.Equal(403, inactive.Status);
        Assert.Equal($"BC agent {pendingId} is not active (status: pending); only an active agent can open accounts", inactive.Body.Str("message"));
        Assert.Equal(503, liveKeyForTestAgent.Status);
        Assert.Equal(balance, await kit.BalancePaiseAsync());
        await using var db = await server.DbAsync();
        var reseller = await db.Resellers.FirstAsync(r => r.Username == kit.Shop.Username);
        Assert.False(await db.BankAccounts.AnyAsync(a => a.ResellerId == reseller.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Magic_phone_leaves_kyc_pending_charged_and_without_commission(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);
        fields["phone"] = "9000000021";

        var (status, body) = await kit.PostAsync(BankKit.AccountOpen, fields);

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("status").GetBoolean());
        Assert.Equal("Account opening submitted; KYC pending", body.Str("message"));
        Assert.Equal("pending", body.GetProperty("data").Str("status"));
        Assert.Equal("pending", body.GetProperty("data").Str("kyc_status"));
        Assert.Matches("^50[0-9]{10}$", body.GetProperty("data").Str("account_number"));
        Assert.Equal(OrderStatus.Pending, (await kit.OrderAsync(fields["order_id"]))!.Status);
        Assert.DoesNotContain(await kit.LedgerAsync(), e => e.Kind == LedgerKind.Commission);
        Assert.Equal(10_000_00 - 25_00 - 15_00, await kit.BalancePaiseAsync());
        var (_, st) = await kit.StatusAsync(fields["order_id"]);
        Assert.Equal(("pending", "pending"), (st.GetProperty("data").Str("account_status"), st.GetProperty("data").Str("kyc_status")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Magic_phone_gets_kyc_rejected_and_refunded(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);
        fields["phone"] = "9000000022";

        var (status, body) = await kit.PostAsync(BankKit.AccountOpen, fields);

        Assert.Equal(422, status);
        Assert.Equal(422, body.GetProperty("error_code").GetInt32());
        Assert.False(body.GetProperty("status").GetBoolean());
        Assert.Equal("Account opening rejected by the bank: customer KYC could not be verified. The fee has been refunded.", body.Str("message"));
        Assert.True(body.GetProperty("refunded").GetBoolean());
        var order = await kit.OrderAsync(fields["order_id"]);
        Assert.Equal((OrderStatus.Failed, true), (order!.Status, order.Refunded));
        Assert.Equal(10_000_00 - 25_00, await kit.BalancePaiseAsync());
        var (_, st) = await kit.StatusAsync(fields["order_id"]);
        Assert.Equal(("rejected", "rejected"), (st.GetProperty("data").Str("account_status"), st.GetProperty("data").Str("kyc_status")));
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Magic_phone_makes_the_bank_fail_500_and_refunded(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();

        var (status, body) = await kit.OpenAccountAsync(agentId, agentPan, f => f["phone"] = "9000000023");

        Assert.Equal(500, status);
        Assert.Equal("Bank system error. The fee has been refunded.", body.Str("message"));
        Assert.Equal(10_000_00 - 25_00, await kit.BalancePaiseAsync());
        var ledger = await kit.LedgerAsync();
        Assert.Equal([LedgerKind.TopUp, LedgerKind.Charge, LedgerKind.Charge, LedgerKind.Refund], ledger.Select(e => e.Kind));
        Assert.Equal(ledger[2].Id, ledger[3].ReversesEntryId);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Concurrent_duplicate_order_ids_open_one_account_and_charge_once(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => kit.PostAsync(BankKit.AccountOpen, fields)));

        Assert.Single(results, r => r.Status == 200);
        Assert.All(results.Where(r => r.Status != 200), r => Assert.Equal((409, "Duplicate order_id"), (r.Status, r.Body.Str("message"))));
        Assert.Equal(10_000_00 - 25_00 - 15_00 + 10_00, await kit.BalancePaiseAsync());
        await using var db = await kit.Server.DbAsync();
        Assert.Equal(1, await db.BankAccounts.CountAsync(a => a.CustomerPan == fields["pancard"]));
    }
}
