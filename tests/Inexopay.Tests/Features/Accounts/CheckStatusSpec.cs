using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Accounts;

/// <summary>POST /api/check_status.php, every case of the contract's table.</summary>
public sealed class CheckStatusSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_from_a_bound_ip_gets_the_account_summary(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(liveCreditPaise: 1250_50);

        var (status, body) = await server.Http().PostFormJsonAsync("/api/check_status.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));

        Assert.Equal(200, status);
        Assert.Equal(200, body.GetProperty("status_code").GetInt32());
        Assert.Equal("SUCCESS", body.Str("status"));
        Assert.Equal("API Status Retrieved", body.Str("message"));
        var data = body.GetProperty("data");
        Assert.Equal("Test Shop", data.Str("owner_name"));
        Assert.Equal("1250.50", data.GetProperty("api_balance").GetRawText());
        Assert.Equal("ACTIVE", data.Str("api_status"));
        Assert.Equal("Premium", data.Str("plan_name"));
        Assert.Equal("127.0.0.1, ::1", data.Str("bind_ip"));
        Assert.Equal("127.0.0.1", data.Str("your_ip"));
        Assert.Equal("MATCHED", data.Str("ip_status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Test_key_reports_the_test_wallet(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();

        var (status, body) = await server.Http().PostFormJsonAsync("/api/check_status.php", ("token", shop.TestApiKey), ("username", shop.Username));

        Assert.Equal(200, status);
        Assert.Equal("10000.00", body.GetProperty("data").GetProperty("api_balance").GetRawText());
        Assert.Equal("test", body.GetProperty("data").Str("mode"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_credentials_answer_401_with_the_contract_message(string provider)
    {
        var http = SharedServers.For(provider).Http();

        var (status, body) = await http.PostFormJsonAsync("/api/check_status.php", ("username", "someone"));

        Assert.Equal(401, status);
        Assert.Equal(401, body.GetProperty("status_code").GetInt32());
        Assert.Equal("FAILED", body.Str("status"));
        Assert.Equal("API Key and Username are required", body.Str("message"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Unknown_key_wrong_username_and_mistyped_key_are_all_invalid(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();
        var mistyped = shop.LiveApiKey[..^1] + (shop.LiveApiKey[^1] == 'a' ? 'b' : 'a');

        foreach (var (key, user) in new[] { (mistyped, shop.Username), (shop.LiveApiKey, "someone_else"), ("not-a-key", shop.Username) })
        {
            var (status, body) = await http.PostFormJsonAsync("/api/check_status.php", ("api_key", key), ("username", user));
            Assert.Equal(401, status);
            Assert.Equal("Invalid API Key or Username", body.Str("message"));
            Assert.Equal("127.0.0.1", body.Str("your_ip"));
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_from_an_unbound_ip_is_refused_with_both_ips(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(bindIps: ["203.0.113.7"]);

        var (status, body) = await server.Http().PostFormJsonAsync("/api/check_status.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));

        Assert.Equal(403, status);
        Assert.Equal("IP Address Not Whitelisted. Your IP: 127.0.0.1 does not match Bind IP: 203.0.113.7.", body.Str("message"));
        var data = body.GetProperty("data");
        Assert.Equal("Test Shop", data.Str("owner_name"));
        Assert.Equal("INACTIVE", data.Str("api_status"));
        Assert.Equal("MISMATCH", data.Str("ip_status"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Cidr_binding_admits_addresses_inside_the_range(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(bindIps: ["127.0.0.0/8"]);

        var (status, _) = await server.Http().PostFormJsonAsync("/api/check_status.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));

        Assert.Equal(200, status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task No_plan_and_expired_plan_are_403(string provider)
    {
        var server = SharedServers.For(provider);
        var noPlan = await server.WithScopeAsync(sp => sp.GetRequiredService<ResellerAccounts>().CreateAsync(
            "noplan_" + Guid.NewGuid().ToString("N")[..8], "No Plan", "a@b.in", null, null, ["127.0.0.1"], 0, "test"));
        var expired = await server.CreateResellerAsync();
        await server.WithScopeAsync(sp => sp.GetRequiredService<ResellerAccounts>()
            .SetPlanAsync(expired.Username, "Premium", new DateOnly(2020, 1, 1), "test"));
        var http = server.Http();

        var (s1, b1) = await http.PostFormJsonAsync("/api/check_status.php", ("api_key", noPlan.LiveApiKey), ("username", noPlan.Username));
        var (s2, b2) = await http.PostFormJsonAsync("/api/check_status.php", ("api_key", expired.LiveApiKey), ("username", expired.Username));

        Assert.Equal((403, "No active subscription plan found"), (s1, b1.Str("message")));
        Assert.Equal((403, "Your subscription plan has expired"), (s2, b2.Str("message")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Suspended_account_is_403_inactive(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<ResellerAccounts>().SetStatusAsync(shop.Username, ResellerStatus.Suspended, "test");
            return 0;
        });

        var (status, body) = await server.Http().PostFormJsonAsync("/api/check_status.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));

        Assert.Equal((403, "Account Inactive"), (status, body.Str("message")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Credentials_are_accepted_as_json_and_multipart(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        using var json = await http.PostAsync("/api/check_status.php", new StringContent(
            $$"""{"api_key":"{{shop.LiveApiKey}}","username":"{{shop.Username}}"}""", System.Text.Encoding.UTF8, "application/json"));
        using var multipart = await http.PostAsync("/api/check_status.php", new MultipartFormDataContent
        {
            { new StringContent(shop.LiveApiKey), "api_key" },
            { new StringContent(shop.Username), "username" },
        });

        Assert.Equal(200, (int)json.StatusCode);
        Assert.Equal(200, (int)multipart.StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Get_on_the_post_only_endpoint_is_a_json_405_and_unknown_api_paths_a_json_404(string provider)
    {
        var http = SharedServers.For(provider).Http();

        using var get = await http.GetAsync("/api/check_status.php");
        using var unknown = await http.PostAsync("/api/nothing-here.php", null);

        Assert.Equal(405, (int)get.StatusCode);
        Assert.Equal("application/json; charset=utf-8", get.Content.Headers.ContentType?.ToString());
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Contains("\"status\":\"FAILED\"", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Plan_rate_limit_answers_429_with_retry_after_in_the_endpoint_shape()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite);
        await server.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PlanCatalog>().CreateAsync(new PlanView("Tiny", 0, 30, 3, 1,
                new Dictionary<string, long> { [Services.PanVerification] = 100 }, new Dictionary<string, long>()), "test");
            return 0;
        });
        var shop = await server.CreateResellerAsync(plan: "Tiny", bindIps: ["127.0.0.1"]);
        var http = server.Http();

        var statuses = new List<int>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await http.PostFormAsync("/api/check_status.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));
            statuses.Add((int)last.StatusCode);
        }

        Assert.Equal([200, 200, 200, 429], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("\"status_code\":429", await last.Content.ReadAsStringAsync());
        last.Dispose();
    }
}
