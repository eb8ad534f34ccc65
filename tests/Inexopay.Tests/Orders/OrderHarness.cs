using System.Net;
using Inexopay.Server;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inexopay.Tests.Orders;

/// <summary>
/// Drives <see cref="OrderPipeline"/> the way an endpoint does — one DI scope (one DbContext) per request — against a
/// real server's database, and reads the books back.
/// </summary>
public static class OrderHarness
{
    public static async Task<(CreatedReseller Shop, ResellerContext Live)> ShopAsync(InexopayServer server, long liveCreditPaise,
        string plan = "Premium")
    {
        var shop = await server.CreateResellerAsync(plan, liveCreditPaise);
        var auth = await server.Services.GetRequiredService<ResellerAuthenticator>()
            .AuthenticateAsync(shop.Username, shop.LiveApiKey, IPAddress.Loopback, CancellationToken.None);
        Assert.True(auth.Ok, auth.Failure.ToString());
        return (shop, auth.Reseller!);
    }

    public static async Task<PlaceResult> PlaceAsync(IServiceProvider services, ResellerContext reseller, string orderRef,
        string service = Services.PanVerification)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderPipeline>().PlaceAsync(reseller, service, orderRef, "{}");
    }

    public static async Task<CompleteResult> CompleteAsync(IServiceProvider services, Order order, ProviderOutcome outcome)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderPipeline>().TryCompleteAsync(order, outcome);
    }

    /// <summary>Runs <paramref name="count"/> workers on the thread pool, released together so they really overlap.</summary>
    public static async Task<T[]> ConcurrentlyAsync<T>(int count, Func<int, Task<T>> work)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await work(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    public sealed record Books(long BalancePaise, List<LedgerEntry> Entries, List<Order> Orders);

    public static async Task<Books> BooksAsync(InexopayServer server, ResellerContext reseller)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        var balance = await db.Wallets.Where(w => w.Id == reseller.WalletId).Select(w => w.BalancePaise).SingleAsync();
        var entries = await db.LedgerEntries.Where(e => e.WalletId == reseller.WalletId).OrderBy(e => e.Id).ToListAsync();
        var orders = await db.Orders.Where(o => o.ResellerId == reseller.ResellerId && o.Mode == reseller.Mode).OrderBy(o => o.Id).ToListAsync();
        return new Books(balance, entries, orders);
    }

    /// <summary>The invariants every test ends on: the books of this wallet, and the operator's audit of all wallets.</summary>
    public static async Task AssertBooksBalanceAsync(InexopayServer server, ResellerContext reseller)
    {
        var books = await BooksAsync(server, reseller);
        Assert.Equal(books.Entries.Sum(e => e.AmountPaise), books.BalancePaise);
        Assert.Equal(books.Entries[^1].BalanceAfterPaise, books.BalancePaise);
        Assert.All(books.Entries, e => Assert.True(e.BalanceAfterPaise >= 0, $"entry {e.Id} recorded a negative balance"));
        // Replaying the entries in id order gives each one's balance-after: the ledger is a true history.
        var running = 0L;
        foreach (var e in books.Entries)
        {
            running += e.AmountPaise;
            Assert.Equal(running, e.BalanceAfterPaise);
        }

        var checks = await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().AuditAsync());
        var mine = Assert.Single(checks, c => c.Username == reseller.Username && c.Mode == "live");
        Assert.True(mine.Consistent, string.Join("; ", mine.Problems));
    }

    /// <summary>
    /// A second node on the same database: its own services, connection pools and SQLite write gate, as another
    /// process would have. <paramref name="configure"/> adds what that node's feature slices would register.
    /// </summary>
    public static ServiceProvider Node(InexopayServer server, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var config = new Dictionary<string, string?>(server.Configuration);
        if (settings is not null)
            foreach (var (k, v) in settings) config[k] = v;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(config).Build());
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddInexopayCore();
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}

/// <summary>A clock for the recovery's view of "now", so a test can put an order's start long in the past.</summary>
public sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
