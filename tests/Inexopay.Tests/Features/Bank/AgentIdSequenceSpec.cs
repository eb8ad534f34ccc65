using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Features.Bank;

/// <summary>BC agent ids are INEXO0001, INEXO0002, … with no gaps and no repeats, whatever the concurrency.</summary>
public sealed class AgentIdSequenceSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private static IEnumerable<string> Expected(int count) => Enumerable.Range(1, count).Select(i => $"INEXO{i:D4}");

    [Theory, MemberData(nameof(Providers))]
    public async Task Fifty_concurrent_onboardings_on_two_nodes_sharing_a_database_get_fifty_consecutive_ids(string provider)
    {
        using var nodeA = new InexopayServer(provider);
        using var nodeB = new InexopayServer(provider, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = nodeA.Configuration["ConnectionStrings:Default"],
        });
        var shops = new List<BankKit>();
        for (var i = 0; i < 5; i++)
        {
            var shop = await nodeA.CreateResellerAsync();
            shops.Add(new BankKit(nodeA, shop));
            shops.Add(new BankKit(nodeB, shop));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => shops[i % shops.Count].OnboardAsync()));

        Assert.All(results, r => Assert.Equal(200, r.Status));
        var ids = results.Select(r => r.Body.GetProperty("data").Str("bcagentid")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Expected(50), ids);
        await using var db = await nodeA.DbAsync();
        Assert.Equal(50, await db.Counters.Where(c => c.Name == "bank_agent_id:test").Select(c => c.Value).FirstAsync());
        Assert.Equal(50, await db.Orders.CountAsync(o => o.Service == Services.BankOnboarding && o.Status == OrderStatus.Succeeded));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Losing_a_race_for_the_same_pan_gives_the_number_back(string provider)
    {
        using var server = new InexopayServer(provider);
        var kit = await BankKit.NewShopAsync(server);
        var pan = BankKit.NewPan();

        var racers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => kit.OnboardAsync(BankKit.AgentFields(pan))));
        var (_, next) = await kit.OnboardAsync();

        Assert.All(racers, r => Assert.Equal(200, r.Status));
        Assert.Single(racers, r => r.Body.Str("message") == "Agent onboarded successfully");
        Assert.Equal(9, racers.Count(r => r.Body.Str("message") == "Agent already onboarded"));
        Assert.All(racers, r => Assert.Equal("INEXO0001", r.Body.GetProperty("data").Str("bcagentid")));
        Assert.Equal("INEXO0002", next.GetProperty("data").Str("bcagentid"));
        Assert.Equal(10_000_00 - 2 * 25_00, await kit.BalancePaiseAsync());
        await kit.AssertLedgerConsistentAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Refused_and_failed_onboardings_leave_no_gap(string provider)
    {
        using var server = new InexopayServer(provider);
        var kit = await BankKit.NewShopAsync(server);

        var (_, first) = await kit.OnboardAsync();
        var duplicate = await kit.OnboardAsync(f => f["order_id"] = first.GetProperty("data").Str("order_id"));
        var invalid = await kit.OnboardAsync(f => f["pincode"] = "012345");
        var failed = await kit.OnboardAsync(f => f["mobile"] = "9000000013");
        var (_, last) = await kit.OnboardAsync();

        Assert.Equal(409, duplicate.Status);
        Assert.Equal(400, invalid.Status);
        Assert.Equal(500, failed.Status);
        // A bank failure keeps its agent row (status failed, re-submittable), so its number is used, not lost.
        Assert.Equal("INEXO0002", failed.Body.Str("bcagentid"));
        Assert.Equal(("INEXO0001", "INEXO0003"), (first.GetProperty("data").Str("bcagentid"), last.GetProperty("data").Str("bcagentid")));
        await using var db = await server.DbAsync();
        Assert.Equal(Expected(3), await db.BankAgents.OrderBy(a => a.AgentCode).Select(a => a.AgentCode).ToListAsync());
    }

    [Fact]
    public async Task The_prefix_is_configurable()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite, new Dictionary<string, string?> { ["Bank:AgentIdPrefix"] = "ACME" });
        var kit = await BankKit.NewShopAsync(server);

        var (_, body) = await kit.OnboardAsync();

        Assert.Equal("ACME0001", body.GetProperty("data").Str("bcagentid"));
    }
}
