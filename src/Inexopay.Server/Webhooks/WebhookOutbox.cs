using System.Text.Json;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Webhooks;

/// <summary>
/// Writes notifications into the outbox. <see cref="Enqueue"/> only adds the row to the caller's context, so it is
/// committed (or rolled back) together with the state change it reports; the dispatcher delivers it afterwards.
/// </summary>
public static class WebhookOutbox
{
    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = null };

    public static OutboxMessage Enqueue(InexopayDb db, long resellerId, long? orderId, string eventType, string targetUrl,
        IReadOnlyDictionary<string, object?> payload, DateTime now)
    {
        var message = new OutboxMessage
        {
            // Version-7 GUIDs sort by creation time, which keeps ids readable in delivery logs.
            MessageId = "msg_" + Guid.CreateVersion7(now).ToString("N"),
            ResellerId = resellerId,
            OrderId = orderId,
            EventType = eventType,
            TargetUrl = targetUrl,
            Payload = JsonSerializer.Serialize(payload, PayloadJson),
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.Outbox.Add(message);
        return message;
    }

    /// <summary>Queues a delivered or dead message again (panel "replay"); the same webhook-id is sent.</summary>
    public static async Task<bool> ReplayAsync(InexopayDb db, long resellerId, string messageId, DateTime now, CancellationToken ct = default) =>
        await db.Outbox
            .Where(m => m.ResellerId == resellerId && m.MessageId == messageId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Pending)
                .SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.ClaimedBy, (string?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTime?)null), ct) == 1;
}

/// <summary>Lets code that has just committed outbox rows wake the dispatcher instead of waiting for its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct) => await _signal.WaitAsync(timeout, ct);
}
