using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Providers;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Inexopay.Tests.Features.Verification.PanApi;

namespace Inexopay.Tests.Features.Verification;

/// <summary>
/// The live connector against a second Inexopay instance serving the HyperVerge contract from its sandbox: the
/// first server is configured with the second's address and a reseller's test key there as appId/appKey.
/// </summary>
public sealed class HyperVergeContractSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private sealed class Pair : IDisposable
    {
        public required InexopayServer Upstream { get; init; }
        public required CreatedReseller UpstreamAccount { get; init; }
        public required InexopayServer Server { get; init; }
        public required CreatedReseller Shop { get; init; }
        public void Dispose() => Server.Dispose();
    }

    private static async Task<Pair> ConnectAsync(string provider, Func<InexopayServer, CreatedReseller, Dictionary<string, string?>>? settings = null)
    {
        var upstream = SharedServers.For(provider);
        var account = await upstream.CreateResellerAsync();
        var config = settings?.Invoke(upstream, account) ?? new Dictionary<string, string?>
        {
            ["Providers:HyperVerge:BaseUrl"] = upstream.BaseAddress.ToString(),
            ["Providers:HyperVerge:AppId"] = account.Username,
            ["Providers:HyperVerge:AppKey"] = account.TestApiKey,
            ["Providers:HyperVerge:TimeoutSeconds"] = "1",
        };
        var server = new InexopayServer(provider, config);
        return new Pair { Upstream = upstream, UpstreamAccount = account, Server = server, Shop = await server.CreateResellerAsync(liveCreditPaise: 100_00) };
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Every_registry_row_and_an_unknown_pan_come_back_through_the_live_connector(string provider)
    {
        using var pair = await ConnectAsync(provider);
        var http = pair.Server.Http();
        var charged = 0;

        foreach (var row in SandboxRegistry.Rows)
        {
            var reply = await http.VerifyAsync(pair.Shop, row.Pan, row.Name, row.Dob, row.Father, transactionId: "c-" + row.Pan, live: true);
            charged++;
            Assert.Equal(200, reply.Status);
            var r = reply.Result;
            Assert.Equal((row.Pan, row.PanStatus, "Y", row.Father is null ? "" : "Y", "Y", row.Seeding),
                (r.Str("pan"), r.Str("panStatus"), r.Str("name"), r.Str("fathername"), r.Str("dob"), r.Str("seedingStatus")));
            Assert.Equal(100, r.GetProperty("nameMatchScore").GetInt32());
            Assert.Equal("c-" + row.Pan, reply.Body.GetProperty("metaData").Str("transactionId"));
            Assert.Equal(Money(100_00 - charged * 150), reply.Body.GetProperty("balance").GetRawText());
        }
        var unknown = await http.VerifyAsync(pair.Shop, "AAAPA0000A", "SOME ONE", "01/01/1990", "A FATHER", live: true);
        Assert.Equal(("Invalid PAN", "N", "N", "N", ""), (unknown.Result.Str("panStatus"), unknown.Result.Str("name"),
            unknown.Result.Str("fathername"), unknown.Result.Str("dob"), unknown.Result.Str("seedingStatus")));
        charged++;

        Assert.Equal(100_00 - charged * 150, await pair.Server.BalancePaiseAsync(pair.Shop, ApiMode.Live));
        // The upstream charged its own reseller (us) once per inquiry, with our order ids as transaction ids.
        var upstreamLedger = await pair.Upstream.LedgerAsync(pair.UpstreamAccount, ApiMode.Test);
        Assert.Equal(charged, upstreamLedger.Count(l => l.Kind == "charge"));
        Assert.All(upstreamLedger.Where(l => l.Kind == "charge"), l => Assert.Matches("^ixp-[0-9]+$", l.OrderId!));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Upstream_catalogue_errors_reach_the_reseller_unchanged_and_are_refunded(string provider)
    {
        using var pair = await ConnectAsync(provider);
        var http = pair.Server.Http();
        var logs = CaptureLogs(pair.Server);

        foreach (var (pan, status, message, metaData) in SandboxRegistry.UpstreamErrors)
        {
            var reply = await http.VerifyAsync(pair.Shop, pan, transactionId: "e-" + pan, live: true);
            AssertFailure(reply, status, message, "e-" + pan, metaData);
            Assert.Equal(("1.50", "1.50", "100.00"), (reply.Body.GetProperty("charged").GetRawText(),
                reply.Body.GetProperty("refunded").GetRawText(), reply.Body.GetProperty("balance").GetRawText()));
        }

        var ledger = await pair.Server.LedgerAsync(pair.Shop, ApiMode.Live);
        Assert.Equal(SandboxRegistry.UpstreamErrors.Length, ledger.Count(l => l.Kind == "charge"));
        Assert.Equal(SandboxRegistry.UpstreamErrors.Length, ledger.Count(l => l.Kind == "refund"));
        Assert.Equal(100_00, await pair.Server.BalancePaiseAsync(pair.Shop, ApiMode.Live));
        // Failures are logged, with PANs masked.
        Assert.Contains(logs, l => l.Contains("AAAPZ****S"));
        Assert.DoesNotContain(logs, l => SandboxRegistry.UpstreamErrors.Any(e => l.Contains(e.Pan)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_timeout_is_a_system_error_and_refunded(string provider)
    {
        using var pair = await ConnectAsync(provider);
        var slow = SandboxRegistry.Slow;

        var reply = await pair.Server.Http().VerifyAsync(pair.Shop, slow.Pan, slow.Name, slow.Dob, transactionId: "slow-1", live: true);

        AssertFailure(reply, 500, "System Error", "slow-1");
        Assert.Equal("1.50", reply.Body.GetProperty("refunded").GetRawText());
        Assert.Equal(100_00, await pair.Server.BalancePaiseAsync(pair.Shop, ApiMode.Live));
        Assert.Equal("degraded", Health(pair.Server).State);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Our_own_credentials_rejected_upstream_is_a_system_error_not_the_resellers_401(string provider)
    {
        using var pair = await ConnectAsync(provider, (upstream, account) => new()
        {
            ["Providers:HyperVerge:BaseUrl"] = upstream.BaseAddress.ToString(),
            ["Providers:HyperVerge:AppId"] = account.Username,
            ["Providers:HyperVerge:AppKey"] = account.LiveApiKey[..^1] + "x",
        });

        var reply = await pair.Server.Http().VerifyAsync(pair.Shop, "ABCPV1234D", transactionId: "cred-1", live: true);

        AssertFailure(reply, 500, "System Error", "cred-1");
        Assert.Equal(100_00, await pair.Server.BalancePaiseAsync(pair.Shop, ApiMode.Live));
        Assert.Contains("401", Health(pair.Server).LastError!);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_unreachable_provider_is_a_system_error_refunded_every_time_until_the_circuit_opens(string provider)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var pair = await ConnectAsync(provider, (_, account) => new()
        {
            ["Providers:HyperVerge:BaseUrl"] = $"http://127.0.0.1:{closedPort}/",
            ["Providers:HyperVerge:AppId"] = account.Username,
            ["Providers:HyperVerge:AppKey"] = account.TestApiKey,
        });
        var http = pair.Server.Http();

        for (var i = 0; i < 12; i++)
            AssertFailure(await http.VerifyAsync(pair.Shop, "ABCPV1234D", transactionId: $"down-{i}", live: true), 500, "System Error", $"down-{i}");

        Assert.Equal(100_00, await pair.Server.BalancePaiseAsync(pair.Shop, ApiMode.Live));
        var ledger = await pair.Server.LedgerAsync(pair.Shop, ApiMode.Live);
        Assert.Equal(12, ledger.Count(l => l.Kind == "refund"));
        Assert.Equal("circuit_open", Health(pair.Server).State);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Live_402_and_409_are_decided_here_before_any_upstream_call(string provider)
    {
        using var pair = await ConnectAsync(provider);
        var poor = await pair.Server.CreateResellerAsync(liveCreditPaise: 1_00);
        var http = pair.Server.Http();

        var broke = await http.VerifyAsync(poor, "ABCPV1234D", transactionId: "p-1", live: true);
        var first = await http.VerifyAsync(pair.Shop, "ABCPV1234D", transactionId: "same-1", live: true);
        var again = await http.VerifyAsync(pair.Shop, "ABCPV1234D", transactionId: "same-1", live: true);
        var testMode = await http.VerifyAsync(pair.Shop, "ABCPV1234D", transactionId: "same-1");

        AssertFailure(broke, 402, "Insufficient balance: PAN verification costs INR 1.50 and your live wallet has INR 1.00", "p-1");
        Assert.Equal(200, first.Status);
        AssertFailure(again, 409, "Duplicate Transaction ID entered", "same-1");
        Assert.Equal(200, testMode.Status); // order ids are unique per mode
        Assert.Single(await pair.Upstream.LedgerAsync(pair.UpstreamAccount, ApiMode.Test), l => l.Kind == "charge");
    }

    private static (string State, string? LastError) Health(InexopayServer server)
    {
        var h = System.Text.Json.JsonSerializer.SerializeToElement(server.Services.GetRequiredService<ProviderHealth>().Snapshot()["hyperverge"]);
        return (h.Str("state"), h.GetProperty("last_error").GetString());
    }

    private static string Money(long paise) => (paise / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static ConcurrentQueue<string> CaptureLogs(InexopayServer server)
    {
        var lines = new ConcurrentQueue<string>();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(new CaptureProvider(lines));
        return lines;
    }

    private sealed class CaptureProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capture(lines);
        public void Dispose() { }

        private sealed class Capture(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
