using Inexopay.Tests.Infrastructure;
using Inexopay.Tests.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Cli;

/// <summary>`wallet …`: operator credits and debits through the ledger, the ledger listing, and the consistency check.</summary>
public sealed class WalletCommandsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private static async Task<CliRunner> WithResellerAsync(ScratchDatabase db, string username)
    {
        var cli = new CliRunner(db.Settings);
        await cli.OkAsync("users", "create", "--username", username, "--name", "Wallet Shop", "--email", "w@shop.example", "--plan", "Basic");
        return cli;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Credit_and_debit_move_the_chosen_wallet_and_a_debit_beyond_the_balance_is_refused(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = await WithResellerAsync(db, "wallet_shop");

        var credit = await cli.JsonAsync("wallet", "credit", "--username", "wallet_shop", "--amount", "100", "--reason", "bank transfer UTR 123");
        var debit = await cli.JsonAsync("wallet", "debit", "--username", "wallet_shop", "--amount", "40.25");
        var tooMuch = await cli.RunAsync("wallet", "debit", "--username", "wallet_shop", "--amount", "59.76");
        var testDebit = await cli.JsonAsync("wallet", "debit", "--username", "wallet_shop", "--amount", "0.01", "--mode", "test");

        Assert.Equal(100m, credit.GetProperty("balance").GetDecimal());
        Assert.Equal("live", credit.Str("mode"));
        Assert.Equal(59.75m, debit.GetProperty("balance").GetDecimal());
        Assert.Equal(1, tooMuch.Exit);
        Assert.StartsWith("error: Insufficient balance: the live wallet of wallet_shop cannot cover 59.76.", tooMuch.Stderr);
        Assert.Equal(9999.99m, testDebit.GetProperty("balance").GetDecimal());
        var user = await cli.UserAsync("wallet_shop");
        Assert.Equal(59.75m, user.GetProperty("live_balance").GetDecimal());
        Assert.Equal(9999.99m, user.GetProperty("test_balance").GetDecimal());

        var ledger = (await cli.JsonAsync("wallet", "ledger", "--username", "wallet_shop")).EnumerateArray().ToList();
        Assert.Equal(["adjustment", "topup"], ledger.Select(e => e.Str("kind")));
        Assert.Equal([-40.25m, 100m], ledger.Select(e => e.GetProperty("amount").GetDecimal()));
        Assert.Equal([59.75m, 100m], ledger.Select(e => e.GetProperty("balance_after").GetDecimal()));
        Assert.Equal(["operator debit", "bank transfer UTR 123"], ledger.Select(e => e.Str("reason")));
        Assert.All(ledger, e => Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", e.Str("created_at")));
        Assert.Equal(0, (await cli.RunAsync("wallet", "verify")).Exit);
    }

    public static IEnumerable<object[]> BadAmounts()
    {
        foreach (var provider in TestDatabases.Providers.Select(p => (string)p[0]))
        {
            yield return [provider, new[] { "--amount", "12.345" }, 2, "error: --amount must be an amount in rupees with at most two decimals, e.g. 1000 or 99.50."];
            yield return [provider, new[] { "--amount", "0" }, 2, "error: --amount must be more than zero."];
            yield return [provider, new[] { "--amount", "1e3" }, 2, "error: --amount must be an amount in rupees with at most two decimals, e.g. 1000 or 99.50."];
            yield return [provider, new[] { "--amount", "10", "--mode", "sandbox" }, 2, "error: --mode must be live or test."];
            yield return [provider, new[] { "--amount", "10", "--mdoe", "test" }, 2, "error: --mdoe is not an option of 'wallet credit'."];
            yield return [provider, Array.Empty<string>(), 2, "error: --amount is required."];
            yield return [provider, new[] { "--amount", "10", "--username", "nobody" }, 1, "error: No reseller named 'nobody'."];
        }
    }

    [Theory, MemberData(nameof(BadAmounts))]
    public async Task Bad_credit_requests_are_refused_and_post_nothing(string provider, string[] extra, int exit, string message)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = await WithResellerAsync(db, "careful");

        var result = await cli.RunAsync(["wallet", "credit", "--username", "careful", .. extra]);

        Assert.True(result.Exit == exit, result.ToString());
        Assert.Equal(message, result.Stderr.Split('\n')[0].TrimEnd());
        await using var context = db.Context();
        Assert.Equal(1, await context.LedgerEntries.CountAsync()); // the test wallet's opening balance only
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Verify_passes_on_a_consistent_database_and_fails_when_a_balance_is_corrupted(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = await WithResellerAsync(db, "audited");
        await cli.OkAsync("wallet", "credit", "--username", "audited", "--amount", "250");

        var ok = await cli.RunAsync("wallet", "verify");
        Assert.Equal(0, ok.Exit);
        Assert.StartsWith("OK: 2 wallets, every balance equals the sum of its ledger entries.", ok.Stdout);

        // Someone edits a balance behind the ledger's back.
        await using (var context = db.Context())
            await context.Database.ExecuteSqlRawAsync("""UPDATE "Wallets" SET "BalancePaise" = "BalancePaise" + 1 WHERE "Mode" = 'Live'""");

        var bad = await cli.RunAsync("wallet", "verify", "--json");
        Assert.Equal(1, bad.Exit);
        var report = bad.Json;
        Assert.False(report.GetProperty("consistent").GetBoolean());
        Assert.Equal(2, report.GetProperty("wallets").GetInt32());
        var mismatch = Assert.Single(report.GetProperty("mismatches").EnumerateArray());
        Assert.Equal("audited", mismatch.Str("username"));
        Assert.Equal("live", mismatch.Str("mode"));
        Assert.Equal(250.01m, mismatch.GetProperty("balance").GetDecimal());
        Assert.Equal(250m, mismatch.GetProperty("ledger_sum").GetDecimal());
        var text = await cli.RunAsync("wallet", "verify");
        Assert.Equal(1, text.Exit);
        Assert.StartsWith("MISMATCH audited live: balance 250.01, ledger sum 250.00", text.Stdout);
    }
}
