using System.Text.Json;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Features.Bank;

/// <summary>account-status.php (by order id) and account-details.php (by customer PAN), scoped to the reseller and mode.</summary>
public sealed class StatusAndDetailsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Status_of_an_account_opening_answers_the_contract_shape(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);
        var (_, opened) = await kit.PostAsync(BankKit.AccountOpen, fields);

        var (status, body) = await kit.StatusAsync(fields["order_id"]);

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.True, body.GetProperty("status").ValueKind);
        Assert.Equal("Account status fetched", body.Str("message"));
        var data = body.GetProperty("data");
        Assert.Equal(fields["order_id"], data.Str("order_id"));
        Assert.Equal("active", data.Str("account_status"));
        Assert.Equal(opened.GetProperty("data").Str("account_number"), data.Str("account_number"));
        Assert.Equal("saving", data.Str("account_type"));
        Assert.Equal("verified", data.Str("kyc_status"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", data.Str("last_updated"));
        Assert.Equal("account_open", data.Str("order_type"));
        Assert.Equal(agentId, data.Str("bcagentid"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Status_of_an_onboarding_reports_the_agent(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var fields = BankKit.AgentFields();
        var (_, onboarded) = await kit.OnboardAsync(fields);

        var (status, body) = await kit.StatusAsync(fields["order_id"]);

        Assert.Equal(200, status);
        var data = body.GetProperty("data");
        Assert.Equal("agent_onboarding", data.Str("order_type"));
        Assert.Equal("active", data.Str("account_status"));
        Assert.Equal("verified", data.Str("kyc_status"));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("account_number").ValueKind);
        Assert.Equal(onboarded.GetProperty("data").Str("bcagentid"), data.Str("bcagentid"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Unknown_foreign_and_other_mode_orders_are_404(string provider)
    {
        var server = SharedServers.For(provider);
        var kit = await BankKit.NewShopAsync(server);
        var other = await BankKit.NewShopAsync(server);
        var fields = BankKit.AgentFields();
        await other.OnboardAsync(fields);
        var mine = BankKit.AgentFields();
        await kit.OnboardAsync(mine);

        var unknown = await kit.StatusAsync("NOPE" + BankKit.NewOrderId());
        var foreign = await kit.StatusAsync(fields["order_id"]);
        var live = await kit.Live().StatusAsync(mine["order_id"]);

        foreach (var (status, body) in new[] { unknown, foreign, live })
        {
            Assert.Equal(404, status);
            Assert.Equal(404, body.GetProperty("error_code").GetInt32());
            Assert.False(body.GetProperty("status").GetBoolean());
            Assert.Equal("No record found for this order_id", body.Str("message"));
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_interrupted_bank_call_is_finished_by_the_status_check(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var fields = BankKit.AccountFields(agentId, agentPan);
        fields["phone"] = "9000000021"; // stays pending, so the order can be put back in flight
        await kit.PostAsync(BankKit.AccountOpen, fields);
        var order = await kit.OrderAsync(fields["order_id"]);
        // Simulate a crash between the charge and the bank's answer: the call started long ago and never finished.
        await using (var db = await kit.Server.DbAsync())
            await db.Orders.Where(o => o.Id == order!.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.ProviderCallStartedAt, DateTime.UtcNow.AddHours(-1)));

        var (status, body) = await kit.StatusAsync(fields["order_id"]);

        Assert.Equal(200, status);
        Assert.Equal("pending", body.GetProperty("data").Str("account_status"));
        var after = await kit.OrderAsync(fields["order_id"]);
        Assert.Null(after!.ProviderCallStartedAt);
        Assert.Equal(OrderStatus.Pending, after.Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Details_by_customer_pan_answer_the_contract_shape(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var pan = BankKit.NewPan();
        var fields = BankKit.AccountFields(agentId, agentPan, pan);
        var (_, opened) = await kit.PostAsync(BankKit.AccountOpen, fields);

        var (status, body) = await kit.DetailsAsync(pan.ToLowerInvariant());

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.True, body.GetProperty("status").ValueKind);
        Assert.Equal("Account details fetched", body.Str("message"));
        var data = body.GetProperty("data");
        Assert.Equal(opened.GetProperty("data").Str("account_number"), data.Str("account_number"));
        Assert.Equal("saving", data.Str("account_type"));
        Assert.Equal("Rahul Kumar Sharma", data.Str("customer_name"));
        Assert.Equal("rahul@gmail.com", data.Str("email"));
        Assert.Equal("9876543210", data.Str("phone"));
        Assert.Equal("NSPB0000002", data.Str("ifsc_code"));
        Assert.Equal("NSDL Payments Bank - Digital Branch, Mumbai", data.Str("branch"));
        Assert.Equal(JsonValueKind.String, data.GetProperty("balance").ValueKind);
        Assert.Equal("0.00", data.Str("balance"));
        Assert.Equal(pan, data.Str("pancard"));
        Assert.Equal("verified", data.Str("kyc_status"));
        Assert.Equal("active", data.Str("account_status"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", data.Str("opened_date"));
        Assert.True(data.TryGetProperty("last_transaction", out _));
        Assert.Equal(1, body.GetProperty("accounts").GetArrayLength());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Several_accounts_of_one_pan_give_the_latest_in_data_and_all_in_accounts(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var pan = BankKit.NewPan();
        var first = BankKit.AccountFields(agentId, agentPan, pan);
        var second = BankKit.AccountFields(agentId, agentPan, pan);
        second["account_type"] = "current";
        await kit.PostAsync(BankKit.AccountOpen, first);
        await kit.PostAsync(BankKit.AccountOpen, second);

        var (_, body) = await kit.DetailsAsync(pan);

        Assert.Equal("current", body.GetProperty("data").Str("account_type"));
        Assert.Equal(second["order_id"], body.GetProperty("data").Str("order_id"));
        var accounts = body.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal([second["order_id"], first["order_id"]], accounts.Select(a => a.Str("order_id")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Details_never_show_another_resellers_or_other_modes_accounts(string provider)
    {
        var server = SharedServers.For(provider);
        var kit = await BankKit.NewShopAsync(server);
        var other = await BankKit.NewShopAsync(server);
        var (agentId, agentPan) = await other.ActiveAgentAsync();
        var pan = BankKit.NewPan();
        await other.PostAsync(BankKit.AccountOpen, BankKit.AccountFields(agentId, agentPan, pan));

        var (status, body) = await kit.DetailsAsync(pan);
        var (ownerStatus, _) = await other.DetailsAsync(pan);
        var (liveStatus, _) = await other.Live().DetailsAsync(pan);

        Assert.Equal((404, "No account found for this pancard"), (status, body.Str("message")));
        Assert.Equal(404, body.GetProperty("error_code").GetInt32());
        Assert.Equal(200, ownerStatus);
        Assert.Equal(404, liveStatus);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Sandbox_test_data_publishes_the_bank_magic_values(string provider)
    {
        var http = SharedServers.For(provider).Http();

        using var response = await http.GetAsync("/api/sandbox/test-data.json");
        var bank = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("nsdl_bank");

        Assert.Equal("NSPB0000002", bank.Str("ifsc_code"));
        var agentMobiles = bank.GetProperty("agent_mobiles").EnumerateArray().Select(m => (m.Str("number"), m.Str("outcome"))).ToList();
        var phones = bank.GetProperty("customer_phones").EnumerateArray().Select(m => (m.Str("number"), m.Str("outcome"))).ToList();
        Assert.Equal([("9000000011", "pending"), ("9000000012", "rejected"), ("9000000013", "system_error")], agentMobiles);
        Assert.Equal([("9000000021", "kyc_pending"), ("9000000022", "kyc_rejected"), ("9000000023", "system_error")], phones);
    }
}
