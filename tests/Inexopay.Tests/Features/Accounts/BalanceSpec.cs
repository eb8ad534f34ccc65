using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Accounts;

/// <summary>POST /api/balance.php: its own shape (status + error_code), the wallet of the key's mode.</summary>
public sealed class BalanceSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_and_test_keys_each_see_their_own_wallet(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(liveCreditPaise: 1250_50);
        var http = server.Http();

        var (liveStatus, live) = await http.PostFormJsonAsync("/api/balance.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));
        var (_, test) = await http.PostFormJsonAsync("/api/balance.php", ("api_key", shop.TestApiKey), ("username", shop.Username));

        Assert.Equal(200, liveStatus);
        Assert.Equal("SUCCESS", live.Str("status"));
        Assert.Equal(200, live.GetProperty("error_code").GetInt32());
        Assert.Equal("Balance fetched successfully", live.Str("message"));
        Assert.Equal("1250.50", live.GetProperty("balance").GetRawText());
        Assert.Equal(shop.Username, live.Str("username"));
        Assert.Equal("10000.00", test.GetProperty("balance").GetRawText());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_parameters_are_400_and_bad_credentials_401(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync();
        var http = server.Http();

        var (s1, b1) = await http.PostFormJsonAsync("/api/balance.php", ("api_key", shop.LiveApiKey));
        var (s2, b2) = await http.PostFormJsonAsync("/api/balance.php", ("api_key", shop.LiveApiKey), ("username", "nobody"));

        Assert.Equal(400, s1);
        Assert.Equal("FAILED", b1.Str("status"));
        Assert.Equal(400, b1.GetProperty("error_code").GetInt32());
        Assert.Equal("Missing or Invalid Parameters (api_key and username both required)", b1.Str("message"));
        Assert.Equal(401, s2);
        Assert.Equal("Invalid Api Key or Username", b2.Str("message"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_key_from_an_unbound_ip_is_403(string provider)
    {
        var server = SharedServers.For(provider);
        var shop = await server.CreateResellerAsync(bindIps: ["198.51.100.1"]);

        var (status, body) = await server.Http().PostFormJsonAsync("/api/balance.php", ("api_key", shop.LiveApiKey), ("username", shop.Username));

        Assert.Equal(403, status);
        Assert.Equal(403, body.GetProperty("error_code").GetInt32());
        Assert.StartsWith("IP Address Not Whitelisted", body.Str("message"));
    }
}
