using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Webhooks;

/// <summary>
/// Delivers the outbox. Several nodes may run it against one database: a message is claimed with a conditional
/// UPDATE (only one node's update can match) for a limited time, so two nodes never deliver it at once and a dead
/// node's claim simply runs out. Only a 2xx answer counts as delivered; anything else is retried on the schedule,
/// and everything needed to continue after a restart is in the database.
/// </summary>
public sealed class WebhookDispatcher : BackgroundService
{
    private readonly IDbContextFactory<InexopayDb> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly OutboxSignal _signal;
    private readonly WebhookSettings _settings;
    private readonly ILogger<WebhookDispatcher> _log;
    private readonly HttpClient _http;

    /// <summary>Identifies this process in <c>ClaimedBy</c>.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public WebhookDispatcher(IDbContextFactory<InexopayDb> dbFactory, TimeProvider clock, OutboxSignal signal, WebhookSettings settings,
        ILogger<WebhookDispatcher> log)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _signal = signal;
        _settings = settings;
        _log = log;
        _http = new HttpClient(TargetGuard.Handler(settings.AllowPrivateTargets)) { Timeout = settings.Timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Inexopay-Webhooks", "1.0"));
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await DispatchDueAsync(stop) >= _settings.BatchSize;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                _log.LogError(e, "Webhook dispatch round failed; retrying after the poll interval");
            }
            if (full) continue; // more may be due: do not sleep
            try
            {
                await _signal.WaitAsync(_settings.PollInterval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: claims the due messages this node can get and delivers them. Returns how many were claimed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var now = Now;
        List<long> due;
        await using (var db = await _dbFactory.CreateDbContextAsync(ct))
        {
            due = await db.Outbox
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .OrderBy(m => m.NextAttemptAt)
                .Select(m => m.Id)
                .Take(_settings.BatchSize)
                .ToListAsync(ct);
        }
        if (due.Count == 0) return 0;

        var claimed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _settings.Concurrency, CancellationToken = ct },
            async (id, token) =>
            {
                if (!await ClaimAsync(id, token)) return;
                Interlocked.Increment(ref claimed);
                await DeliverAsync(id, token);
            });
        return claimed;
    }

    private async Task<bool> ClaimAsync(long id, CancellationToken ct)
    {
        var now = Now;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.Outbox
            .Where(m => m.Id == id && m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ClaimedBy, NodeId)
                .SetProperty(m => m.ClaimedUntil, now + _settings.ClaimFor), ct) == 1;
    }

    private async Task DeliverAsync(long id, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var message = await db.Outbox.FirstAsync(m => m.Id == id, ct);
        // Read at each attempt, so a rotated secret signs the retries.
        var secret = await db.Resellers.Where(r => r.Id == message.ResellerId).Select(r => r.WebhookSecret).FirstOrDefaultAsync(ct);

        var started = Stopwatch.GetTimestamp();
        int? status = null;
        string? error = null;
        if (secret is null)
        {
            error = "the reseller no longer exists";
        }
        else if (!TargetGuard.IsAcceptableUrl(message.TargetUrl, out var target))
        {
            error = "target is not an absolute http(s) URL";
        }
        else
        {
            try
            {
                var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, target)
                {
                    Content = new StringContent(message.Payload, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add(StandardWebhooks.IdHeader, message.MessageId);
                request.Headers.Add(StandardWebhooks.TimestampHeader, timestamp.ToString());
                request.Headers.Add(StandardWebhooks.SignatureHeader, StandardWebhooks.Sign(secret, message.MessageId, timestamp, message.Payload));
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Whatever went wrong is this attempt's failure: recorded and retried, never left hanging in a claim.
                error = Describe(e);
            }
        }
        var duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var now = Now;
        var delivered = status is >= 200 and < 300;
        var attempts = message.Attempts + 1;
        // 410 Gone is the receiver saying "stop" (Standard Webhooks); otherwise retry until the schedule runs out.
        var dead = !delivered && (status == 410 || attempts > _settings.RetryDelays.Count);
        var next = delivered || dead ? message.NextAttemptAt : now + _settings.RetryDelays[attempts - 1];

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            OutboxMessageId = id,
            AttemptedAt = now,
            ResponseStatus = status,
            Error = error is { Length: > 512 } ? error[..512] : error,
            DurationMs = duration,
        });
        await db.SaveChangesAsync(ct);
        await db.Outbox.Where(m => m.Id == id && m.ClaimedBy == NodeId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.Status, delivered ? OutboxStatus.Delivered : dead ? OutboxStatus.Dead : OutboxStatus.Pending)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.DeliveredAt, delivered ? now : (DateTime?)null)
                .SetProperty(m => m.ClaimedBy, (string?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTime?)null), ct);
        await tx.CommitAsync(ct);

        if (delivered)
            _log.LogInformation("Webhook {MessageId} ({EventType}) delivered: HTTP {Status} in {Duration} ms", message.MessageId, message.EventType, status, duration);
        else
            _log.LogWarning("Webhook {MessageId} ({EventType}) attempt {Attempt} failed: {Outcome}; {Next}", message.MessageId, message.EventType,
                attempts, status is null ? error : $"HTTP {status}", dead ? "giving up" : $"next attempt at {next:O}");
    }

    private static string Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is TargetRefusedException refused) return "refused: " + refused.Message;
        return e is TaskCanceledException ? "timed out" : e is HttpRequestException ? e.Message : $"{e.GetType().Name}: {e.Message}";
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
