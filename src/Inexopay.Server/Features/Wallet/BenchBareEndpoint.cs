using Inexopay.Server.Api;

namespace Inexopay.Server.Features.Wallet;

/// <summary>
/// The benchmark's yardstick (bench/run.sh): <c>/bench/bare</c> answers exactly the JSON balance.php answers, through
/// the same pipeline and serializer, but without reading the request, authenticating or touching the database. So
/// balance.php's share of its throughput is the cost of the real work. Mapped only when <c>Bench:BareEndpoint</c>
/// is true; never in production.
/// </summary>
public static class BenchBareEndpoint
{
    public static void MapBenchBareEndpoint(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("Bench:BareEndpoint", false)) return;
        app.MapMethods("/bench/bare", ["GET", "POST"], () => Json.Result(200, Json.Object(
            ("status", "SUCCESS"),
            ("error_code", 200),
            ("message", "Balance fetched successfully"),
            ("balance", Money.Rupees(1_000_00)),
            ("username", "bench"),
            ("mode", "live"))));
    }
}
