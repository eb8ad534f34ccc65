using System.Text.Json;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Features.Bank;

/// <summary>Calls the bank endpoints as a reseller would, with valid defaults that each test overrides.</summary>
public sealed class BankKit(InexopayServer server, CreatedReseller shop, bool live = false)
{
    public const string Onboarding = "/api/nsdl-bank/v1/onboarding.php";
    public const string AccountOpen = "/api/nsdl-bank/v1/account-open.php";
    public const string Status = "/api/nsdl-bank/v1/account-status.php";
    public const string Details = "/api/nsdl-bank/v1/account-details.php";

    private readonly HttpClient _http = server.Http();

    public InexopayServer Server => server;
    public CreatedReseller Shop => shop;
    public string ApiKey => live ? shop.LiveApiKey : shop.TestApiKey;
    public ApiMode Mode => live ? ApiMode.Live : ApiMode.Test;

    public BankKit Live() => new(server, shop, live: true);

    public static async Task<BankKit> NewShopAsync(InexopayServer server, long liveCreditPaise = 1_000_00, string plan = "Premium") =>
        new(server, await server.CreateResellerAsync(plan: plan, liveCreditPaise: liveCreditPaise));

    public static string NewOrderId() => "ORD" + Guid.NewGuid().ToString("N")[..16];

    private static int _panSeq = Random.Shared.Next(1, 9000);

    /// <summary>A well-formed personal PAN not used by any other test in this process.</summary>
    public static string NewPan(char holder = 'P')
    {
        var n = Interlocked.Increment(ref _panSeq);
        var letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var rnd = Random.Shared;
        return $"{letters[rnd.Next(26)]}{letters[rnd.Next(26)]}{letters[rnd.Next(26)]}{holder}{letters[rnd.Next(26)]}{n % 10000:D4}{letters[rnd.Next(26)]}";
    }

    public static Dictionary<string, string> AgentFields(string? pan = null, string? orderId = null) => new()
    {
        ["order_id"] = orderId ?? NewOrderId(),
        ["shop_name"] = "My Shop",
        ["name"] = "Rahul Kumar",
        ["email"] = "rahul@gmail.com",
        ["mobile"] = "9876543210",
        ["date_of_birth"] = "2000-05-15",
        ["address"] = "Mathura, UP",
        ["state_name"] = "Uttar Pradesh",
        ["city_name"] = "Mathura",
        ["pincode"] = "281001",
        ["pancard"] = pan ?? NewPan(),
    };

    public static Dictionary<string, string> AccountFields(string agentId, string agentPan, string? pan = null, string? orderId = null) => new()
    {
        ["order_id"] = orderId ?? NewOrderId(),
        ["account_type"] = "saving",
        ["bcagentid"] = agentId,
        ["agent_pancard"] = agentPan,
        ["first_name"] = "Rahul",
        ["middle_name"] = "Kumar",
        ["last_name"] = "Sharma",
        ["email"] = "rahul@gmail.com",
        ["phone"] = "9876543210",
        ["pancard"] = pan ?? NewPan(),
        ["pincode"] = "281001",
    };

    public Task<(int Status, JsonElement Body)> PostAsync(string path, IDictionary<string, string> fields) =>
        _http.PostFormJsonAsync(path, [("api_key", ApiKey), ("username", shop.Username), .. fields.Select(f => (f.Key, f.Value))]);

    public Task<(int Status, JsonElement Body)> OnboardAsync(Action<Dictionary<string, string>>? change = null)
    {
        var fields = AgentFields();
        change?.Invoke(fields);
        return PostAsync(Onboarding, fields);
    }

    public Task<(int Status, JsonElement Body)> OnboardAsync(Dictionary<string, string> fields) => PostAsync(Onboarding, fields);

    /// <summary>Onboards an active agent and returns its id and PAN.</summary>
    public async Task<(string AgentId, string Pan)> ActiveAgentAsync()
    {
        var pan = NewPan();
        var (status, body) = await PostAsync(Onboarding, AgentFields(pan));
        Assert.True(status == 200, body.ToString());
        Assert.Equal("active", body.GetProperty("data").Str("status"));
        return (body.GetProperty("data").Str("bcagentid"), pan);
    }

    public Task<(int Status, JsonElement Body)> OpenAccountAsync(string agentId, string agentPan, Action<Dictionary<string, string>>? change = null)
    {
        var fields = AccountFields(agentId, agentPan);
        change?.Invoke(fields);
        return PostAsync(AccountOpen, fields);
    }

    public Task<(int Status, JsonElement Body)> StatusAsync(string orderId) =>
        PostAsync(Status, new Dictionary<string, string> { ["order_id"] = orderId });

    public Task<(int Status, JsonElement Body)> DetailsAsync(string pan) =>
        PostAsync(Details, new Dictionary<string, string> { ["pancard"] = pan });

    public async Task<long> BalancePaiseAsync()
    {
        await using var db = await server.DbAsync();
        var reseller = await db.Resellers.FirstAsync(r => r.Username == shop.Username);
        return await db.Wallets.Where(w => w.ResellerId == reseller.Id && w.Mode == Mode).Select(w => w.BalancePaise).FirstAsync();
    }

    public async Task<List<LedgerEntry>> LedgerAsync()
    {
        await using var db = await server.DbAsync();
        var reseller = await db.Resellers.FirstAsync(r => r.Username == shop.Username);
        var walletId = await db.Wallets.Where(w => w.ResellerId == reseller.Id && w.Mode == Mode).Select(w => w.Id).FirstAsync();
        return await db.LedgerEntries.Where(e => e.WalletId == walletId).OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<Order?> OrderAsync(string orderRef)
    {
        await using var db = await server.DbAsync();
        var reseller = await db.Resellers.FirstAsync(r => r.Username == shop.Username);
        return await db.Orders.FirstOrDefaultAsync(o => o.ResellerId == reseller.Id && o.Mode == Mode && o.OrderRef == orderRef);
    }

    /// <summary>Balance equals the sum of the ledger: money is never created or lost by the bank slice.</summary>
    public async Task AssertLedgerConsistentAsync()
    {
        var entries = await LedgerAsync();
        Assert.Equal(entries.Sum(e => e.AmountPaise), await BalancePaiseAsync());
        Assert.Equal(entries.Count == 0 ? 0 : entries[^1].BalanceAfterPaise, await BalancePaiseAsync());
    }
}
