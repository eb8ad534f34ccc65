using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Orders;

/// <summary>
/// Tells <see cref="OrderRecovery"/> what became of an order whose provider call was cut off (the process died or
/// the node vanished mid call). A service registers one as a keyed service under its service name, e.g.
/// <c>services.AddKeyedScoped&lt;IOrderResolver, PanApplicationResolver&gt;(Services.PanNew)</c>; a service without one
/// has its interrupted orders failed and refunded.
/// </summary>
public interface IOrderResolver
{
    /// <summary>
    /// Asks the provider (or the service's own records) how the order ended. Return the outcome to record —
    /// <see cref="ProviderOutcome.Pending"/> hands a still-running order back to the service's own status tracking —
    /// or null when that cannot be known yet; the order is then tried again after another in-flight timeout.
    /// </summary>
    Task<ProviderOutcome?> ResolveAsync(Order order, CancellationToken ct);
}

/// <summary>
/// Crash recovery. At start-up and then periodically, finds orders still pending whose provider call began more
/// than <c>Orders:InFlightTimeoutSeconds</c> (default 120) ago — no request is waiting for them any more — and
/// resolves each once: through the service's <see cref="IOrderResolver"/> when it has one, otherwise by failing and
/// refunding it through <see cref="OrderPipeline"/>. Safe with several nodes on one database: an order is claimed
/// by a conditional UPDATE that moves its <see cref="Order.ProviderCallStartedAt"/> to now (a lease, so a node that
/// dies while resolving only delays the order by one timeout), and the pipeline's outcome and refund are themselves
/// exactly-once.
/// </summary>
public sealed class OrderRecovery(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<OrderRecovery> log)
    : BackgroundService
{
    public const string InterruptedReason = "The provider call was interrupted before it finished; the fee has been refunded.";

    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(Math.Max(0, config.GetValue("Orders:InFlightTimeoutSeconds", 120.0)));
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(0.1, config.GetValue("Orders:RecoveryIntervalSeconds", 30.0)));
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly unavailable; the next pass tries again.
                log.LogError(e, "Order recovery pass failed.");
            }
            try
            {
                await Task.Delay(_interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over every stale in-flight order. Returns how many this instance resolved.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var resolved = 0;
        long afterId = 0;
        while (true)
        {
            var cutoff = clock.GetUtcNow().UtcDateTime - _timeout;
            List<Order> batch;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
                batch = await db.Orders
                    .Where(o => o.Status == OrderStatus.Pending && o.ProviderCallStartedAt != null && o.ProviderCallStartedAt < cutoff && o.Id > afterId)
                    .OrderBy(o => o.Id).Take(BatchSize).ToListAsync(ct);
            }
            foreach (var order in batch)
                if (await ResolveAsync(order, ct)) resolved++;
            if (batch.Count < BatchSize) return resolved;
            afterId = batch[^1].Id;
        }
    }

    private async Task<bool> ResolveAsync(Order order, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<InexopayDb>();
        var observed = order.ProviderCallStartedAt;
        var now = clock.GetUtcNow().UtcDateTime;

        // The claim: only the node whose UPDATE still sees the value it read gets the order.
        var claimed = await db.Orders
            .Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending && o.ProviderCallStartedAt == observed)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProviderCallStartedAt, now), ct);
        if (claimed == 0) return false;
        order.ProviderCallStartedAt = now;

        ProviderOutcome? outcome;
        var resolver = sp.GetKeyedService<IOrderResolver>(order.Service);
        if (resolver is null)
        {
            outcome = ProviderOutcome.Failed(InterruptedReason);
        }
        else
        {
            try
            {
                outcome = await resolver.ResolveAsync(order, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not resolve interrupted {Service} order {OrderId}; will try again.", order.Service, order.Id);
                return false;
            }
            if (outcome is null)
            {
                log.LogInformation("Interrupted {Service} order {OrderId} is still undecided; will try again.", order.Service, order.Id);
                return false;
            }
        }

        var result = await sp.GetRequiredService<OrderPipeline>().TryCompleteAsync(order, outcome, ct: ct);
        if (result.Applied)
            log.LogWarning("Recovered interrupted {Service} order {OrderId}: {Status}{Refund}.", order.Service, order.Id,
                outcome.Status, result.Refunded ? ", refunded" : "");
        return result.Applied;
    }
}
