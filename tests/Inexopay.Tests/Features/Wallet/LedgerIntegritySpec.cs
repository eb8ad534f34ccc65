using System.Text.Json;
using Inexopay.Server.Cli;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Wallet;

/// <summary>
/// PRODUCT.md 3: ledger entries are immutable and carry the balance after them, a balance never goes below zero and
/// always equals the sum of its entries — guarded by the database itself and audited by <c>wallet verify</c>.
/// </summary>
public sealed class LedgerIntegritySpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private static async Task<(long WalletId, long ResellerId)> LiveWalletAsync(InexopayServer server, string username)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        return await (from w in db.Wallets join r in db.Resellers on w.ResellerId equals r.Id
                      where r.Username == username && w.Mode == ApiMode.Live
                      select new ValueTuple<long, long>(w.Id, r.Id)).SingleAsync();
    }

    private static async Task<WalletCheck> CheckAsync(InexopayServer server, string username) =>
        (await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().AuditAsync())).Single(c => c.Username == username && c.Mode == "live");

    [Theory, MemberData(nameof(Providers))]
    public async Task The_database_refuses_to_change_or_delete_an_entry_or_to_take_a_balance_below_zero(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(liveCreditPaise: 10_00);
        var (walletId, _) = await LiveWalletAsync(server, shop.Username);
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();

        await Assert.ThrowsAnyAsync<Exception>(() =>
            db.LedgerEntries.Where(e => e.WalletId == walletId).ExecuteUpdateAsync(s => s.SetProperty(e => e.AmountPaise, 1_000_00)));
        await Assert.ThrowsAnyAsync<Exception>(() => db.LedgerEntries.Where(e => e.WalletId == walletId).ExecuteDeleteAsync());
        await Assert.ThrowsAnyAsync<Exception>(() =>
            db.Wallets.Where(w => w.Id == walletId).ExecuteUpdateAsync(s => s.SetProperty(w => w.BalancePaise, -1)));

        var entry = await db.LedgerEntries.SingleAsync(e => e.WalletId == walletId);
        Assert.Equal((10_00, 10_00), (entry.AmountPaise, entry.BalanceAfterPaise));
        Assert.Equal(10_00, await Ledger.BalanceAsync(db, walletId, CancellationToken.None));
        Assert.True((await CheckAsync(server, shop.Username)).Consistent);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Verify_flags_a_balance_that_differs_from_its_newest_entry(string provider)
    {
        await using var server = new InexopayServer(provider); // tampered books must not meet other tests' audits
        var shop = await server.CreateResellerAsync(liveCreditPaise: 10_00);
        var (walletId, _) = await LiveWalletAsync(server, shop.Username);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // Tampering that keeps balance = sum of entries: only the newest entry's balance-after gives it away.
            var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
            db.LedgerEntries.Add(new LedgerEntry
            {
                WalletId = walletId, Kind = LedgerKind.Adjustment, AmountPaise = 5_00, BalanceAfterPaise = 10_00, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            await db.Wallets.Where(w => w.Id == walletId).ExecuteUpdateAsync(s => s.SetProperty(w => w.BalancePaise, w => w.BalancePaise + 5_00));
        }

        var check = (await server.WithScopeAsync(sp => sp.GetRequiredService<WalletAdmin>().VerifyAsync()))
            .Single(c => c.Username == shop.Username && c.Mode == "live"); // what `wallet verify` runs

        Assert.Equal((15_00, 15_00, 10_00L), (check.BalancePaise, check.LedgerSumPaise, check.LatestBalanceAfterPaise));
        Assert.False(check.Consistent);
        Assert.False((await CheckAsync(server, shop.Username)).Consistent);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Verify_flags_an_order_without_its_charge_and_a_charge_without_its_order(string provider)
    {
        await using var server = new InexopayServer(provider); // tampered books must not meet other tests' audits
        var shop = await server.CreateResellerAsync(liveCreditPaise: 10_00);
        var (walletId, resellerId) = await LiveWalletAsync(server, shop.Username);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
            var now = DateTime.UtcNow;
            db.Orders.Add(new Order
            {
                ResellerId = resellerId, Mode = ApiMode.Live, OrderRef = "FREE-RIDE", Service = Services.PanVerification, FeePaise = 1_50,
                Status = OrderStatus.Succeeded, CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await Ledger.PostAsync(db, walletId, LedgerKind.Charge, -1_50, now, "stray charge", orderId: null);
            await tx.CommitAsync();
        }

        var check = await CheckAsync(server, shop.Username);

        Assert.False(check.Consistent);
        Assert.Contains(check.Problems, p => p.Contains("order FREE-RIDE has no charge"));
        Assert.Contains(check.Problems, p => p.Contains("belongs to no order"));
        Assert.Equal(check.BalancePaise, check.LedgerSumPaise); // the balance alone would not have shown it
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_cli_credits_the_test_wallet_and_verifies_the_books(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(liveCreditPaise: 0);
        string[] db = ["--Database:Provider", server.Configuration["Database:Provider"]!, "--ConnectionStrings:Default", server.Configuration["ConnectionStrings:Default"]!];

        var output = new StringWriter();
        var credit = await OperatorCli.RunAsync(
            ["wallet", "credit", "--username", shop.Username, "--amount", "250.75", "--mode", "test", "--reason", "sandbox top-up", "--json", .. db], output, TextWriter.Null);
        var verifyOutput = new StringWriter();
        var verify = await OperatorCli.RunAsync(["wallet", "verify", "--json", .. db], verifyOutput, TextWriter.Null);

        Assert.Equal(0, credit);
        var body = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("test", body.GetProperty("mode").GetString());
        Assert.Equal("10250.75", body.GetProperty("balance").GetRawText()); // ₹10,000 opening test balance + the credit
        Assert.Equal(0, verify);
        Assert.True(JsonDocument.Parse(verifyOutput.ToString()).RootElement.GetProperty("consistent").GetBoolean());
        var (_, test) = await server.Http().PostFormJsonAsync("/api/balance.php", ("api_key", shop.TestApiKey), ("username", shop.Username));
        Assert.Equal("10250.75", test.GetProperty("balance").GetRawText());
    }
}
