using Inexopay.Server.Auth;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Inexopay.Tests.Storage;

namespace Inexopay.Tests.Cli;

/// <summary>`users …`: creating resellers (keys shown once), listing, suspending, plans, and clear refusals.</summary>
public sealed class UsersCommandsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Create_with_json_prints_one_object_with_working_keys_and_the_webhook_secret(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);

        var result = await cli.OkAsync("users", "create", "--username", "shop_one", "--name", "Shop One", "--email", "owner@shop.example",
            "--plan", "Basic", "--bind-ip", "203.0.113.5", "--json");

        Assert.Equal("", result.Stderr);
        var created = result.Json;
        Assert.Equal(System.Text.Json.JsonValueKind.Object, created.ValueKind);
        Assert.Equal("shop_one", created.Str("username"));
        Assert.Equal(ApiMode.Live, ApiKeys.ModeOf(created.Str("live_api_key")));
        Assert.Equal(ApiMode.Test, ApiKeys.ModeOf(created.Str("test_api_key")));
        Assert.StartsWith("whsec_", created.Str("webhook_secret"));
        Assert.True(Convert.FromBase64String(created.Str("webhook_secret")["whsec_".Length..]).Length >= 24);
        Assert.Equal("Basic", created.Str("plan"));
        Assert.Equal(["203.0.113.5"], created.GetProperty("bind_ip").EnumerateArray().Select(e => e.GetString()));

        // Only hashes are stored: the printed keys are the only copy.
        await using var context = db.Context();
        var hashes = context.ApiKeys.Select(k => k.KeyHash).ToList();
        Assert.Contains(ApiKeys.Hash(created.Str("live_api_key")), hashes);
        Assert.DoesNotContain(hashes, h => h.Contains("ixp_", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Bind_ip_can_repeat_and_take_comma_lists(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);

        var created = await cli.JsonAsync("users", "create", "--username", "multi_ip", "--name", "Multi", "--email", "m@shop.example",
            "--plan", "Premium", "--bind-ip", "203.0.113.5", "--bind-ip", "198.51.100.0/24, 2001:db8::1");

        string[] expected = ["203.0.113.5", "198.51.100.0/24", "2001:db8::1"];
        Assert.Equal(expected, created.GetProperty("bind_ip").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(expected.Order(), (await cli.UserAsync("multi_ip")).GetProperty("bind_ip").EnumerateArray().Select(e => e.GetString()).Order());

        await cli.OkAsync("users", "bind-ip", "--username", "multi_ip", "--bind-ip", "192.0.2.7,192.0.2.8");
        Assert.Equal(["192.0.2.7", "192.0.2.8"],
            (await cli.UserAsync("multi_ip")).GetProperty("bind_ip").EnumerateArray().Select(e => e.GetString()).Order());

        // Forgetting the addresses must not unbind the live key from everywhere.
        var none = await cli.RunAsync("users", "bind-ip", "--username", "multi_ip");
        Assert.Equal(2, none.Exit);
        Assert.StartsWith("error: --bind-ip is required (repeat it or give a comma list).", none.Stderr);
        Assert.Equal(["192.0.2.7", "192.0.2.8"],
            (await cli.UserAsync("multi_ip")).GetProperty("bind_ip").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Credit_at_creation_goes_to_the_live_wallet(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);

        var created = await cli.JsonAsync("users", "create", "--username", "funded", "--name", "Funded", "--email", "f@shop.example",
            "--plan", "Basic", "--bind-ip", "127.0.0.1", "--credit", "1500.50");

        Assert.Equal(1500.50m, created.GetProperty("live_balance").GetDecimal());
        Assert.Equal(10000m, created.GetProperty("test_balance").GetDecimal());
        var listed = await cli.UserAsync("funded");
        Assert.Equal(1500.50m, listed.GetProperty("live_balance").GetDecimal());
        Assert.Equal(10000m, listed.GetProperty("test_balance").GetDecimal());
        var live = await cli.JsonAsync("wallet", "ledger", "--username", "funded", "--mode", "live");
        var entry = Assert.Single(live.EnumerateArray());
        Assert.Equal("topup", entry.Str("kind"));
        Assert.Equal(1500.50m, entry.GetProperty("amount").GetDecimal());
        Assert.Equal(0, (await cli.RunAsync("wallet", "verify")).Exit);
    }

    public static IEnumerable<object[]> Refusals()
    {
        foreach (var provider in TestDatabases.Providers.Select(p => (string)p[0]))
        {
            yield return [provider, "duplicate username", new[] { "--username", "taken_name" }, 1, "error: Username 'taken_name' is taken."];
            yield return [provider, "unknown plan", new[] { "--plan", "Gold" }, 1, "error: No plan named 'Gold'. See 'plans list'."];
            yield return [provider, "bad IP", new[] { "--bind-ip", "203.0.113.5,999.1.1.1" }, 1, "error: '999.1.1.1' is not an IP address or CIDR range."];
            yield return [provider, "bad CIDR", new[] { "--bind-ip", "10.0.0.0/33" }, 1, "error: '10.0.0.0/33' is not an IP address or CIDR range."];
            yield return [provider, "three decimals", new[] { "--credit", "12.345" }, 2,
                "error: --credit must be an amount in rupees with at most two decimals, e.g. 1000 or 99.50."];
            yield return [provider, "negative amount", new[] { "--credit", "-5" }, 2,
                "error: --credit must be an amount in rupees with at most two decimals, e.g. 1000 or 99.50."];
            yield return [provider, "missing email", new[] { "--email", "" }, 2, "error: --email is required."];
            yield return [provider, "bad email", new[] { "--email", "not-an-email" }, 1, "error: --email must be a valid email address."];
            yield return [provider, "too many IPs for the plan", new[] { "--plan", "Basic", "--bind-ip", "192.0.2.1,192.0.2.2" }, 1,
                "error: Plan Basic allows at most 1 bound IPs; 2 given."];
            yield return [provider, "mistyped option", new[] { "--credt", "100" }, 2, "error: --credt is not an option of 'users create'."];
        }
    }

    [Theory, MemberData(nameof(Refusals))]
    public async Task Create_refuses_bad_input_with_a_clear_message_and_changes_nothing(string provider, string @case, string[] change, int exit, string message)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);
        await cli.OkAsync("users", "create", "--username", "taken_name", "--name", "First", "--email", "first@shop.example");
        var options = new Dictionary<string, string>
        {
            ["--username"] = "new_shop", ["--name"] = "New Shop", ["--email"] = "new@shop.example", ["--plan"] = "Premium", ["--bind-ip"] = "127.0.0.1",
        };
        for (var i = 0; i < change.Length; i += 2) options[change[i]] = change[i + 1];
        string[] args = ["users", "create", .. options.Where(o => o.Value.Length > 0).SelectMany(o => new[] { o.Key, o.Value })];

        var result = await cli.RunAsync(args);

        Assert.True(result.Exit == exit, $"{@case}: {result}");
        Assert.Equal(message, result.Stderr.Split('\n')[0].TrimEnd());
        Assert.Equal("", result.Stdout);
        var users = await cli.JsonAsync("users", "list");
        Assert.Equal(["taken_name"], users.EnumerateArray().Select(u => u.Str("username")));
        await using var context = db.Context();
        Assert.Equal(2, context.Wallets.Count());
        Assert.Equal(2, context.ApiKeys.Count());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Suspend_activate_and_plan_with_an_expiry_date_show_in_the_list(string provider)
    {
        await using var db = ScratchDatabase.Create(provider);
        var cli = new CliRunner(db.Settings);
        var start = DateTime.UtcNow;
        await cli.OkAsync("users", "create", "--username", "shop_two", "--name", "Shop Two", "--email", "two@shop.example", "--plan", "Basic");
        var end = DateTime.UtcNow;
        var before = await cli.UserAsync("shop_two");
        Assert.Equal("active", before.Str("status"));
        // Basic runs 365 days from creation.
        Assert.InRange(DateTime.ParseExact(before.Str("plan_expires_at"), "yyyy-MM-dd", null), start.AddDays(365).Date, end.AddDays(365).Date);

        var suspended = await cli.JsonAsync("users", "suspend", "--username", "shop_two");
        Assert.Equal("suspended", suspended.Str("status"));
        Assert.Equal("suspended", (await cli.UserAsync("shop_two")).Str("status"));

        var plan = await cli.JsonAsync("users", "plan", "--username", "shop_two", "--plan", "Premium", "--expires", "2031-03-31");
        Assert.Equal("Premium", plan.Str("plan"));
        var after = await cli.UserAsync("shop_two");
        Assert.Equal("Premium", after.Str("plan"));
        Assert.Equal("2031-03-31", after.Str("plan_expires_at"));
        await using (var context = db.Context())
            Assert.Equal(new DateTime(2031, 3, 31, 18, 29, 59, DateTimeKind.Utc), context.Resellers.Single().PlanExpiresAt); // 23:59:59 IST

        await cli.OkAsync("users", "activate", "--username", "shop_two");
        Assert.Equal("active", (await cli.UserAsync("shop_two")).Str("status"));

        var badDate = await cli.RunAsync("users", "plan", "--username", "shop_two", "--plan", "Basic", "--expires", "31-03-2031");
        Assert.Equal(2, badDate.Exit);
        Assert.StartsWith("error: --expires must be YYYY-MM-DD.", badDate.Stderr);
        var nobody = await cli.RunAsync("users", "suspend", "--username", "nobody");
        Assert.Equal(1, nobody.Exit);
        Assert.StartsWith("error: No reseller named 'nobody'.", nobody.Stderr);
        Assert.Equal("Premium", (await cli.UserAsync("shop_two")).Str("plan"));
    }

    [Fact]
    public async Task Unknown_commands_and_stray_arguments_are_usage_errors_and_help_is_not()
    {
        await using var db = ScratchDatabase.Create(TestDatabases.Sqlite);
        var cli = new CliRunner(db.Settings);

        var unknown = await cli.RunAsync("users", "craete", "--username", "x");
        var stray = await cli.RunAsync("users", "list", "extra");
        var help = await cli.RunAsync("help");

        Assert.Equal(2, unknown.Exit);
        Assert.StartsWith("error: Unknown command 'users craete'.", unknown.Stderr);
        Assert.Equal(2, stray.Exit);
        Assert.StartsWith("error: Unexpected argument 'extra'.", stray.Stderr);
        Assert.Equal(0, help.Exit);
        Assert.Contains("users create --username U", help.Stdout);
        // A usage error never reaches the database.
        Assert.False(File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString).DataSource));
    }
}
