using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Cli;

/// <summary>
/// The CLI is the operator's tool for a running server: what it does to the database the server sees at once
/// (the test server caches nothing, Auth:CacheSeconds=0), through real HTTP.
/// </summary>
public sealed class CliAndServerShareTheDatabaseSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private static Task<(int Status, System.Text.Json.JsonElement Body)> BalanceAsync(InexopayServer server, string username, string key) =>
        server.Http().PostFormJsonAsync("/api/balance.php", ("api_key", key), ("username", username));

    [Theory, MemberData(nameof(Providers))]
    public async Task A_reseller_created_and_credited_by_the_cli_can_call_the_running_server(string provider)
    {
        var server = SharedServers.For(provider);
        var cli = new CliRunner(server.Configuration);
        var username = CliRunner.NewUsername();

        var created = await cli.JsonAsync("users", "create", "--username", username, "--name", "CLI Shop", "--email", "cli@shop.example",
            "--plan", "Premium", "--bind-ip", "127.0.0.1,::1", "--credit", "250");
        var (status, body) = await BalanceAsync(server, username, created.Str("live_api_key"));
        Assert.Equal(200, status);
        Assert.Equal("250.00", body.GetProperty("balance").GetRawText());

        await cli.OkAsync("wallet", "credit", "--username", username, "--amount", "0.75");
        Assert.Equal("250.75", (await BalanceAsync(server, username, created.Str("live_api_key"))).Body.GetProperty("balance").GetRawText());
        var (testStatus, test) = await BalanceAsync(server, username, created.Str("test_api_key"));
        Assert.Equal(200, testStatus);
        Assert.Equal("10000.00", test.GetProperty("balance").GetRawText());

        await cli.OkAsync("users", "suspend", "--username", username);
        var (suspendedStatus, suspended) = await BalanceAsync(server, username, created.Str("live_api_key"));
        Assert.NotEqual(200, suspendedStatus);
        Assert.Equal("FAILED", suspended.Str("status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_rotated_key_keeps_working_for_the_grace_period_and_is_refused_after_it(string provider)
    {
        var server = SharedServers.For(provider);
        var cli = new CliRunner(server.Configuration);
        var username = CliRunner.NewUsername();
        var created = await cli.JsonAsync("users", "create", "--username", username, "--name", "Rotating Shop", "--email", "r@shop.example",
            "--plan", "Premium", "--bind-ip", "127.0.0.1,::1");
        var original = created.Str("live_api_key");

        // Default grace (Keys:RotationGraceHours, 24h): both the old and the new key work.
        var first = await cli.JsonAsync("keys", "rotate", "--username", username);
        var second = first.Str("api_key");
        Assert.Equal(Inexopay.Server.Storage.ApiMode.Live, Inexopay.Server.Auth.ApiKeys.ModeOf(second));
        Assert.Equal(24, first.GetProperty("old_key_valid_hours").GetDouble());
        Assert.Equal(200, (await BalanceAsync(server, username, second)).Status);
        Assert.Equal(200, (await BalanceAsync(server, username, original)).Status);

        // No grace: every earlier live key stops at once; the test key is untouched.
        var third = (await cli.JsonAsync("keys", "rotate", "--username", username, "--grace-hours", "0")).Str("api_key");
        Assert.Equal(200, (await BalanceAsync(server, username, third)).Status);
        foreach (var old in new[] { original, second })
        {
            var (status, body) = await BalanceAsync(server, username, old);
            Assert.Equal(401, status);
            Assert.Equal("Invalid Api Key or Username", body.Str("message"));
        }
        Assert.Equal(200, (await BalanceAsync(server, username, created.Str("test_api_key"))).Status);

        var bad = await cli.RunAsync("keys", "rotate", "--username", username, "--grace-hours", "-1");
        Assert.Equal(2, bad.Exit);
        Assert.StartsWith("error: --grace-hours must be a number of hours from 0 to 8760.", bad.Stderr);
        Assert.Equal(200, (await BalanceAsync(server, username, third)).Status);
    }
}
