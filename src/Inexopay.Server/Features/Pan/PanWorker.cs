using System.Globalization;
using Inexopay.Server.Providers.Upstream;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Pan;

/// <summary>
/// The slice's background work, on every node: fails and refunds sandbox applications abandoned for longer than
/// <c>Pan:AbandonAfterHours</c>, and polls the parent about pending live applications. Both are safe to run on
/// several nodes at once: a transition takes effect once, and a poll is claimed.
/// Live applications are never timed out locally: the parent decides, because it may still complete them.
/// </summary>
public sealed class PanWorker(IServiceScopeFactory scopes, TimeProvider clock, PanSettings settings, UpstreamPanClient upstream,
    ILogger<PanWorker> log) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(settings.WorkerInterval, clock);
        do
        {
            try
            {
                await RunOnceAsync(clock.GetUtcNow().UtcDateTime, stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                log.LogError(e, "PAN background round failed; retrying next round");
            }
        } while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One round as of <paramref name="now"/>; returns how many applications were looked at.</summary>
    public async Task<int> RunOnceAsync(DateTime now, CancellationToken ct) =>
        await SweepAbandonedAsync(now, ct) + await PollUpstreamAsync(now, ct);

    public async Task<int> SweepAbandonedAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<PanLifecycle>();
        var cutoff = now - settings.AbandonAfter;
        var abandoned = await db.PanApplications
            .Where(a => a.Status == PanApplicationStatus.Pending && a.Mode == ApiMode.Test && a.CreatedAt <= cutoff)
            .OrderBy(a => a.CreatedAt).Select(a => a.OrderId).Take(BatchSize).ToListAsync(ct);
        var reason = $"Application abandoned: not completed within {settings.AbandonAfter.TotalHours.ToString("0.##", CultureInfo.InvariantCulture)} hours";
        foreach (var orderId in abandoned) await lifecycle.FailAsync(orderId, reason, ct);
        return abandoned.Count;
    }

    public async Task<int> PollUpstreamAsync(DateTime now, CancellationToken ct)
    {
        if (!upstream.Settings.Configured) return 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        var sync = scope.ServiceProvider.GetRequiredService<UpstreamPanSync>();
        var askedBefore = now - settings.UpstreamPollInterval;
        var due = await db.PanApplications
            .Where(a => a.Status == PanApplicationStatus.Pending && a.Mode == ApiMode.Live && (a.LastPolledAt == null || a.LastPolledAt <= askedBefore))
            .OrderBy(a => a.LastPolledAt).Take(BatchSize).ToListAsync(ct);
        var asked = 0;
        foreach (var application in due)
            if (await sync.SyncAsync(application, now, settings.UpstreamPollInterval, ct)) asked++;
        return asked;
    }
}
