using Inexopay.Tests.Infrastructure;
using Inexopay.Tests.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Cli;

/// <summary>`plans …` and `db migrate`.</summary>
public sealed class PlansAndDatabaseCommandsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_created_plan_is_listed_with_its_fees_and_can_be_given_to_a_reseller(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);

        await cli.OkAsync("plans", "create", "--name", "Gold", "--price", "1999", "--validity-days", "180", "--rate-limit", "120", "--max-ips", "3",
            "--fee", "pan_verification=2.25", "--fee", "pan_new=101", "--fee", "bank_account_open=20", "--commission", "bank_account_open=4.50");
        var plans = (await cli.JsonAsync("plans", "list")).EnumerateArray().ToList();

        Assert.Equal(["Basic", "Gold", "Premium"], plans.Select(p => p.Str("name"))); // by price; seeded plans included
        var gold = plans.Single(p => p.Str("name") == "Gold");
        Assert.Equal(1999m, gold.GetProperty("price").GetDecimal());
        Assert.Equal(180, gold.GetProperty("validity_days").GetInt32());
        Assert.Equal(120, gold.GetProperty("rate_limit_per_minute").GetInt32());
        Assert.Equal(3, gold.GetProperty("max_bound_ips").GetInt32());
        var fees = gold.GetProperty("fees").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { ["pan_verification"] = 2.25m, ["pan_new"] = 101m, ["bank_account_open"] = 20m }, fees);
        Assert.Equal(4.50m, gold.GetProperty("commissions").GetProperty("bank_account_open").GetDecimal());

        await cli.OkAsync("users", "create", "--username", "gold_shop", "--name", "Gold Shop", "--email", "g@shop.example", "--plan", "Gold");
        Assert.Equal("Gold", (await cli.UserAsync("gold_shop")).Str("plan"));
        await using var context = db.Context();
        var stored = await context.PlanFees.Where(f => f.PlanId == context.Plans.Single(p => p.Name == "Gold").Id).ToListAsync();
        Assert.Equal(225, stored.Single(f => f.Service == "pan_verification").FeePaise);
        Assert.Equal(450, stored.Single(f => f.Service == "bank_account_open").CommissionPaise);
    }

    public static IEnumerable<object[]> BadPlans()
    {
        string[] good = ["--name", "Silver", "--price", "499", "--validity-days", "30", "--rate-limit", "60"];
        foreach (var provider in TestDatabases.Providers.Select(p => (string)p[0]))
        {
            yield return [provider, good, 2, "error: Give at least one --fee SERVICE=RUPEES."];
            yield return [provider, good.Concat(["--fee", "pan_lookup=1"]).ToArray(), 1,
                "error: Unknown service 'pan_lookup'. Services: pan_verification, pan_new, pan_correction, bank_onboarding, bank_account_open."];
            yield return [provider, good.Concat(["--fee", "pan_new=1.005"]).ToArray(), 2,
                "error: --fee must be an amount in rupees with at most two decimals, e.g. 1000 or 99.50."];
            yield return [provider, good.Concat(["--fee", "pan_new"]).ToArray(), 2, "error: --fee takes SERVICE=RUPEES, e.g. pan_verification=2.50."];
            yield return [provider, good.Concat(["--fee", "pan_new=1", "--commission", "bank_account_open=1"]).ToArray(), 2,
                "error: --commission bank_account_open needs a --fee for bank_account_open too."];
            yield return [provider, new[] { "--name", "Basic", "--price", "1", "--validity-days", "30", "--rate-limit", "0", "--fee", "pan_new=1" }, 1,
                "error: A plan named 'Basic' exists."];
            yield return [provider, new[] { "--name", "Zero", "--price", "1", "--validity-days", "0", "--rate-limit", "0", "--fee", "pan_new=1" }, 1,
                "error: --validity-days must be at least 1."];
        }
    }

    [Theory, MemberData(nameof(BadPlans))]
    public async Task Bad_plans_are_refused_with_a_clear_message(string provider, string[] options, int exit, string message)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);

        var result = await cli.RunAsync(["plans", "create", .. options]);

        Assert.True(result.Exit == exit, result.ToString());
        Assert.Equal(message, result.Stderr.Split('\n')[0].TrimEnd());
        Assert.Equal(["Basic", "Premium"], (await cli.JsonAsync("plans", "list")).EnumerateArray().Select(p => p.Str("name")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Db_migrate_creates_the_schema_and_the_seed_plans_and_can_run_again(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);

        var first = await cli.OkAsync("db", "migrate");
        var second = await cli.OkAsync("db", "migrate");

        Assert.StartsWith("Database is up to date.", first.Stdout);
        Assert.StartsWith("Database is up to date.", second.Stdout);
        await using var context = db.Context();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync());
        Assert.Equal(["Basic", "Premium"], await context.Plans.OrderBy(p => p.Name).Select(p => p.Name).ToListAsync());
    }

    [Fact]
    public async Task An_unreachable_database_is_a_clear_error_not_a_crash()
    {
        var cli = new CliRunner(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Timeout=2",
        });

        var result = await cli.RunAsync("users", "list");

        Assert.Equal(1, result.Exit);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Contains("127.0.0.1:1", result.Stderr);
    }
}
