using Inexopay.Tests.Infrastructure;

namespace Inexopay.Tests.Features.Accounts;

/// <summary>PRODUCT.md 2: the client IP is the socket address unless the request came through a configured proxy.</summary>
public sealed class ClientIpSpec
{
    private static async Task<(int Status, string YourIp)> CheckStatusFrom(InexopayServer server, string liveKey, string username, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/check_status.php")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("api_key", liveKey), KeyValuePair.Create("username", username)]),
        };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await server.Http().SendAsync(request);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        // 200 reports data.your_ip; the 403 names it in the message ("Your IP: … does not match Bind IP: …").
        var yourIp = body.TryGetProperty("data", out var data) && data.TryGetProperty("your_ip", out var ip)
            ? ip.GetString()!
            : System.Text.RegularExpressions.Regex.Match(body.Str("message"), @"Your IP: (\S+) does").Groups[1].Value;
        return ((int)response.StatusCode, yourIp);
    }

    [Fact]
    public async Task Forwarded_for_from_an_untrusted_peer_is_ignored_so_it_cannot_pass_the_ip_binding()
    {
        var server = SharedServers.For(TestDatabases.Sqlite);
        var shop = await server.CreateResellerAsync(bindIps: ["203.0.113.9"]);

        var (status, _) = await CheckStatusFrom(server, shop.LiveApiKey, shop.Username, "203.0.113.9");

        Assert.Equal(403, status);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_address_is_the_one_checked()
    {
        using var server = new InexopayServer(TestDatabases.Sqlite, new Dictionary<string, string?> { ["Network:TrustedProxies:0"] = "127.0.0.0/8" });
        var shop = await server.CreateResellerAsync(bindIps: ["203.0.113.9"]);

        var allowed = await CheckStatusFrom(server, shop.LiveApiKey, shop.Username, "203.0.113.9");
        var refused = await CheckStatusFrom(server, shop.LiveApiKey, shop.Username, "198.51.100.4");
        // A client cannot prepend its own entry: the right-most address not belonging to our proxies is the client.
        var spoofed = await CheckStatusFrom(server, shop.LiveApiKey, shop.Username, "203.0.113.9, 198.51.100.4");

        Assert.Equal((200, "203.0.113.9"), allowed);
        Assert.Equal((403, "198.51.100.4"), refused);
        Assert.Equal((403, "198.51.100.4"), spoofed);
    }
}
