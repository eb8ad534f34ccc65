using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Inexopay.Tests.Features.Pan;

/// <summary>
/// One more node of an existing installation (same database), for the multi-node and restart tests.
/// It picks its port in Kestrel's listen options: <c>UseKestrel(0)</c>, as InexopayServer uses, makes
/// WebApplicationFactory rewrite the server addresses after the host is built, which races with Program starting
/// the host; on a database with nothing to migrate Program is fast enough to win, and the factory throws
/// "IServerAddressesFeature.Addresses cannot be modified after the server has started".
/// </summary>
public sealed class AnotherNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _config;

    public AnotherNode(IReadOnlyDictionary<string, string?> installation, IDictionary<string, string?>? settings = null)
    {
        _config = new Dictionary<string, string?>(installation);
        if (settings is not null)
            foreach (var (k, v) in settings) _config[k] = v;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri BaseAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_config));
    }

    public HttpClient Http() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });
}
