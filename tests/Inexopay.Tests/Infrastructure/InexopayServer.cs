using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Infrastructure;

/// <summary>
/// A real Inexopay server on Kestrel (a loopback port) over a fresh database, driven through real HTTP.
/// </summary>
public sealed class InexopayServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _config;

    public string Provider { get; }

    public InexopayServer(string provider, IDictionary<string, string?>? settings = null)
    {
        Provider = provider;
        _config = TestDatabases.Fresh(provider);
        _config["Auth:CacheSeconds"] = "0";
        _config["Webhooks:AllowPrivateTargets"] = "true";
        if (settings is not null)
            foreach (var (k, v) in settings) _config[k] = v;
        // Listen on a fixed loopback endpoint: UseKestrel(0) rewrites server addresses after build, which races the start.
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    public IReadOnlyDictionary<string, string?> Configuration => _config;

    /// <summary>The server's own address, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_config));
    }

    public HttpClient Http() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<InexopayDb> DbAsync() => Task.FromResult(Services.CreateScope().ServiceProvider.GetRequiredService<InexopayDb>());

    /// <summary>Creates a reseller the way the operator does; bound to loopback unless other IPs are given.</summary>
    public Task<CreatedReseller> CreateResellerAsync(string plan = "Premium", long liveCreditPaise = 1_000_00, string[]? bindIps = null,
        string? username = null) =>
        WithScopeAsync(sp => sp.GetRequiredService<ResellerAccounts>().CreateAsync(
            username ?? "shop_" + Guid.NewGuid().ToString("N")[..10], "Test Shop", "owner@shop.example", null, plan,
            bindIps ?? ["127.0.0.1", "::1"], liveCreditPaise, "test"));
}

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient http, string path, params (string Key, string Value)[] fields) =>
        http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))));

    public static async Task<(int Status, JsonElement Body)> PostFormJsonAsync(this HttpClient http, string path, params (string Key, string Value)[] fields)
    {
        using var response = await http.PostFormAsync(path, fields);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static async Task<(int Status, JsonElement Body)> ReadJsonAsync(this Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).ToString();
}
