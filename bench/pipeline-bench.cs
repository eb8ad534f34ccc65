#:project ../src/Inexopay.Server/Inexopay.Server.csproj
#:property PublishAot=false
#:property Configuration=Release

// The order pipeline alone, in process (no HTTP): how many paid orders per second can be placed, charged and
// completed on one wallet, with N concurrent callers, each a DI scope like a request. Shows the ceiling that the
// money path puts under PAN verification's throughput, and where its latency goes.
// Flows: "settle" = the sandbox hot path (charge, order and the answer in one transaction, as PAN verification does for
// answers known at once); "two-step" = a real provider call between PlaceAsync and CompleteAsync (two transactions).
// Usage: dotnet run -c Release bench/pipeline-bench.cs -- [concurrency=64] [seconds=10] [settle|two-step] [sqlite|postgres]
//        [postgres connection string to an empty database]      (env WARMUP=seconds, default 10)
using System.Diagnostics;
using System.Net;
using Inexopay.Server;
using Inexopay.Server.Auth;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var concurrency = args.Length > 0 ? int.Parse(args[0]) : 64;
var seconds = args.Length > 1 ? double.Parse(args[1]) : 10;
var flow = args.Length > 2 ? args[2] : "settle";
var provider = args.Length > 3 ? args[3] : "sqlite";
var settings = new Dictionary<string, string?>();
string? scratch = null;
if (provider == "postgres")
{
    settings["Database:Provider"] = "Postgres";
    settings["ConnectionStrings:Default"] = args.Length > 4 ? args[4] : throw new ArgumentException("give a PostgreSQL connection string to an empty database");
}
else
{
    var dir = scratch = Directory.CreateTempSubdirectory("inexopay-pipeline-bench").FullName;
    settings["ConnectionStrings:Default"] = $"Data Source={Path.Combine(dir, "bench.db")}";
    if (Environment.GetEnvironmentVariable("PAGE_SIZE") is { } pageSize)
    {
        using var create = new Microsoft.Data.Sqlite.SqliteConnection(settings["ConnectionStrings:Default"]);
        create.Open();
        using var pragma = create.CreateCommand();
        pragma.CommandText = $"PRAGMA page_size={int.Parse(pageSize)}; PRAGMA journal_mode=WAL;";
        pragma.ExecuteNonQuery();
    }
}

if (Environment.GetEnvironmentVariable("CHECKPOINT_MS") is { } checkpointMs) settings["Database:CheckpointIntervalMs"] = checkpointMs;
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
services.AddLogging(l => l.AddConsole().SetMinimumLevel(LogLevel.Warning));
services.AddInexopayCore();
var sp = services.BuildServiceProvider();
await Bootstrap.MigrateAsync(sp);
// The server's background work that the write path relies on (no host runs it here).
foreach (var background in sp.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SqliteCheckpointer>())
    await background.StartAsync(default);
ResellerContext reseller;
await using (var scope = sp.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<PlanCatalog>().EnsureSeededAsync();
    var shop = await scope.ServiceProvider.GetRequiredService<ResellerAccounts>().CreateAsync(
        "bench", "Bench", "bench@example.in", null, "Premium", ["127.0.0.1"], 10_000_000_00, "bench");
    reseller = (await sp.GetRequiredService<ResellerAuthenticator>().AuthenticateAsync(shop.Username, shop.LiveApiKey, IPAddress.Loopback, default)).Reseller!;
}

const string request = """{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990","fathername":null}""";
const string result = """{"status":"success","statusCode":200,"result":{"data":{"panStatus":"Existing and Valid","name":"Y","fathername":"","dob":"Y","seedingStatus":"Operative PAN"}}}""";

async Task<(long Count, List<double> Latencies)> Worker(int id, DateTime until)
{
    var latencies = new List<double>(100_000);
    long n = 0;
    while (DateTime.UtcNow < until)
    {
        var started = Stopwatch.GetTimestamp();
        await using (var scope = sp.CreateAsyncScope())
        {
            var pipeline = scope.ServiceProvider.GetRequiredService<OrderPipeline>();
            if (flow == "settle")
            {
                var placed = await pipeline.PlaceAsync(reseller, Services.PanVerification, $"B-{id}-{n}", request, (_, order) =>
                {
                    order.Status = OrderStatus.Succeeded;
                    order.ProviderRef = "REQ-" + n;
                    order.ResultJson = result;
                    order.ProviderCallStartedAt = null;
                    return Task.CompletedTask;
                });
                if (placed.Status != PlaceStatus.Placed) throw new InvalidOperationException(placed.Status.ToString());
            }
            else
            {
                var placed = await pipeline.PlaceAsync(reseller, Services.PanVerification, $"B-{id}-{n}", request);
                if (placed.Status != PlaceStatus.Placed) throw new InvalidOperationException(placed.Status.ToString());
                await pipeline.TryCompleteAsync(placed.Order!, ProviderOutcome.Succeeded("REQ-" + n, result));
            }
        }
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        n++;
    }
    return (n, latencies);
}

// Warm-up, then the measured run.
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(1000 + i, DateTime.UtcNow.AddSeconds(double.Parse(Environment.GetEnvironmentVariable("WARMUP") ?? "10"))))));
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
var until = DateTime.UtcNow.AddSeconds(seconds);
var runs = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i, until))));
clock.Stop();
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var all = runs.SelectMany(r => r.Latencies).Order().ToArray();
double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
Console.WriteLine($"{provider}, {flow}: {concurrency} callers, {all.Length} orders in {clock.Elapsed.TotalSeconds:F1}s = {all.Length / clock.Elapsed.TotalSeconds:F0} orders/s; " +
    $"latency p50 {P(0.5):F2} ms, p90 {P(0.9):F2} ms, p99 {P(0.99):F2} ms; CPU {cpu.TotalMicroseconds / all.Length:F0} µs per order " +
    $"(so at most {all.Length / cpu.TotalSeconds * Environment.ProcessorCount:F0} orders/s on {Environment.ProcessorCount} idle cores)");

await sp.DisposeAsync();
if (scratch is not null)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(scratch, recursive: true);
}
