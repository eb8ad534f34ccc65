using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Verification;

/// <summary>
/// A verification is answered within one request, so an order still pending long after its provider call started
/// was interrupted (process killed, database error while recording the answer): the reseller never got a result,
/// so it is failed and refunded. Safe with several nodes: completing an order is conditional on it being pending,
/// and a charge is refunded at most once. <c>Verification:StalePendingMinutes</c> (default 5) must exceed the
/// provider timeout by far.
/// </summary>
public sealed class StaleVerificationSweeper(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config,
    ILogger<StaleVerificationSweeper> log) : BackgroundService
{
    public const string Reason = "no provider answer was recorded (interrupted call)";

    private TimeSpan StaleAfter => TimeSpan.FromMinutes(config.GetValue("Verification:StalePendingMinutes", 5.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        do
        {
            try
            {
                await SweepAsync(StaleAfter, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Sweeping interrupted PAN verifications failed; retrying in a minute");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Fails and refunds PAN verifications whose provider call started more than <paramref name="olderThan"/> ago.</summary>
    /// <returns>How many orders were refunded.</returns>
    public async Task<int> SweepAsync(TimeSpan olderThan, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        var pipeline = scope.ServiceProvider.GetRequiredService<OrderPipeline>();
        var cutoff = clock.GetUtcNow().UtcDateTime - olderThan;
        var stale = await db.Orders
            .Where(o => o.Status == OrderStatus.Pending && o.ProviderCallStartedAt != null && o.ProviderCallStartedAt <= cutoff
                && o.Service == Services.PanVerification)
            .OrderBy(o => o.Id).Take(500).ToListAsync(ct);
        var refunded = 0;
        foreach (var order in stale)
            if (await pipeline.FailAndRefundAsync(order, Reason, ct: ct)) refunded++;
        if (refunded > 0) log.LogWarning("Refunded {Count} interrupted PAN verifications", refunded);
        return refunded;
    }
}
