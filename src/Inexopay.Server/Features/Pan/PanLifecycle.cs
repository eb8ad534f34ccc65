using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Inexopay.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Pan;

/// <summary>The wire names of the application states.</summary>
public static class PanStatusNames
{
    public static string Of(PanApplicationStatus status) => status switch
    {
        PanApplicationStatus.Succeeded => "SUCCESS",
        PanApplicationStatus.Failed => "FAILED",
        _ => "PENDING",
    };
}

/// <summary>An application with the order it belongs to.</summary>
public sealed record PanRecord(Order Order, PanApplication Application);

/// <summary>The outcome of a transition: whether this call made it, and the state afterwards.</summary>
public sealed record PanTransition(bool Changed, PanRecord Record, long BalancePaise);

/// <summary>
/// Every state change of a PAN application: PENDING on request, then SUCCESS (with the 15-digit acknowledgement
/// number) or FAILED (refunded once). The order and the application change together, and each change writes its
/// notification to the outbox inside the same transaction, through <see cref="OrderPipeline"/>'s hooks.
/// Transitions are idempotent: only the first one out of PENDING takes effect.
/// </summary>
public sealed class PanLifecycle(InexopayDb db, OrderPipeline pipeline, TimeProvider clock, OutboxSignal outbox, ILogger<PanLifecycle> log)
{
    public const string CreatedEvent = "pan.application.created";
    public const string SucceededEvent = "pan.application.succeeded";
    public const string FailedEvent = "pan.application.failed";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Charges the fee and records the order, the PENDING application and its notification in one transaction.</summary>
    public async Task<(PlaceResult Result, PanApplication? Application)> PlaceAsync(ResellerContext reseller, PanRequest request,
        CancellationToken ct)
    {
        var txnId = NewTxnId(Now);
        PanApplication? application = null;
        var requestJson = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["number"] = request.Mobile, ["pan_mode"] = request.PanMode, ["pan_type"] = request.PanType, ["return_url"] = request.ReturnUrl,
        });
        var result = await pipeline.PlaceAsync(reseller, request.Service, request.OrderRef, requestJson, (tx, order) =>
        {
            var now = Now;
            order.ProviderRef = txnId;
            // The sandbox needs no call to create the application: it exists once this commits. A live application
            // keeps the marker until the parent has accepted it (an unanswered call is resolved by the poller).
            if (reseller.Mode == ApiMode.Test) order.ProviderCallStartedAt = null;
            application = new PanApplication
            {
                OrderId = order.Id,
                ResellerId = reseller.ResellerId,
                Mode = reseller.Mode,
                Mobile = request.Mobile,
                PanMode = request.PanMode,
                PanType = request.PanType,
                ReturnUrl = request.ReturnUrl,
                Status = PanApplicationStatus.Pending,
                PortalTxnId = txnId,
                CreatedAt = now,
                UpdatedAt = now,
            };
            tx.PanApplications.Add(application);
            Notify(tx, order, application, CreatedEvent, "PAN application created; waiting for the applicant", now);
            return Task.CompletedTask;
        }, ct);
        if (result.Status == PlaceStatus.Placed)
        {
            outbox.Pulse();
            log.LogInformation("PAN application {OrderId} placed ({Mode}, {Type}, {PanMode}, mobile {Mobile})",
                result.Order!.Id, reseller.Mode, request.PanType, request.PanMode, PanRequestValidation.MaskMobile(request.Mobile));
        }
        return (result, application);
    }

    /// <summary>The parent accepted a live application: the provider call is over, the applicant's part begins.</summary>
    public Task MarkHandedOffAsync(long orderId, CancellationToken ct) =>
        db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.ProviderCallStartedAt, (DateTime?)null), ct);

    public Task<PanTransition?> SucceedAsync(long orderId, string acknowledgementNumber, CancellationToken ct) =>
        TransitionAsync(orderId, ProviderOutcome.Succeeded(acknowledgementNumber,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["ack_no"] = acknowledgementNumber })), ct);

    /// <param name="reason">Shown to the reseller (status, notification); must not contain personal data.</param>
    public Task<PanTransition?> FailAsync(long orderId, string reason, CancellationToken ct) =>
        TransitionAsync(orderId, ProviderOutcome.Failed(reason), ct);

    private async Task<PanTransition?> TransitionAsync(long orderId, ProviderOutcome outcome, CancellationToken ct)
    {
        var record = await FindAsync(orderId, ct);
        if (record is null) return null;
        var changed = false;
        var balance = await pipeline.CompleteAsync(record.Order, outcome, async (tx, order) =>
        {
            changed = true;
            var now = Now;
            var status = outcome.Status == OrderStatus.Succeeded ? PanApplicationStatus.Succeeded : PanApplicationStatus.Failed;
            var ack = status == PanApplicationStatus.Succeeded ? outcome.ProviderRef : null;
            var reason = outcome.FailureReason is { Length: > 512 } r ? r[..512] : outcome.FailureReason;
            await tx.PanApplications.Where(a => a.OrderId == order.Id && a.Status == PanApplicationStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Status, status)
                    .SetProperty(a => a.AcknowledgementNumber, ack)
                    .SetProperty(a => a.FailureReason, reason)
                    .SetProperty(a => a.UpdatedAt, now), ct);
            var application = record.Application;
            application.Status = status;
            application.AcknowledgementNumber = ack;
            application.FailureReason = reason;
            application.UpdatedAt = now;
            Notify(tx, order, application, status == PanApplicationStatus.Succeeded ? SucceededEvent : FailedEvent,
                status == PanApplicationStatus.Succeeded ? "PAN application submitted; acknowledgement number issued"
                    : reason ?? "PAN application failed", now);
        }, ct);
        if (changed)
        {
            outbox.Pulse();
            log.LogInformation("PAN application {OrderId} is now {Status}{Refund}", orderId, PanStatusNames.Of(record.Application.Status),
                record.Order.Refunded ? " (refunded)" : "");
            return new PanTransition(true, record, balance);
        }
        return new PanTransition(false, await FindAsync(orderId, ct) ?? record, balance);
    }

    public async Task<PanRecord?> FindAsync(long orderId, CancellationToken ct)
    {
        var row = await db.Orders.Where(o => o.Id == orderId)
            .Join(db.PanApplications, o => o.Id, a => a.OrderId, (o, a) => new { o, a })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : new PanRecord(row.o, row.a);
    }

    /// <summary>The reseller's application by its own order id, in the key's mode; other resellers' orders are invisible.</summary>
    public async Task<PanRecord?> FindAsync(long resellerId, ApiMode mode, string orderRef, CancellationToken ct)
    {
        var row = await db.Orders
            .Where(o => o.ResellerId == resellerId && o.Mode == mode && o.OrderRef == orderRef
                        && (o.Service == Services.PanNew || o.Service == Services.PanCorrection))
            .Join(db.PanApplications, o => o.Id, a => a.OrderId, (o, a) => new { o, a })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : new PanRecord(row.o, row.a);
    }

    public async Task<PanRecord?> FindByTxnIdAsync(string txnId, CancellationToken ct)
    {
        var row = await db.PanApplications.Where(a => a.PortalTxnId == txnId)
            .Join(db.Orders, a => a.OrderId, o => o.Id, (a, o) => new { o, a })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : new PanRecord(row.o, row.a);
    }

    /// <summary>
    /// The notification body: flat, so a reseller's PHP handler reads <c>$data['status']</c> directly. The same
    /// fields as pan_status.php, plus the event type, the refund and a timestamp.
    /// </summary>
    private static void Notify(InexopayDb tx, Order order, PanApplication application, string type, string message, DateTime now)
    {
        var payload = Json.Object(
            ("type", type),
            ("timestamp", now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            ("order_id", order.OrderRef),
            ("status", PanStatusNames.Of(application.Status)),
            ("reference", application.AcknowledgementNumber ?? ""),
            ("txnid", application.PortalTxnId),
            ("pan_mode", application.PanMode),
            ("pan_type", application.PanType),
            ("amount", Money.Rupees(order.FeePaise)),
            ("refunded", order.Refunded),
            ("refund_amount", Money.Rupees(order.Refunded ? order.FeePaise : 0)),
            ("message", message),
            ("mode", application.Mode == ApiMode.Live ? "live" : "test"));
        WebhookOutbox.Enqueue(tx, order.ResellerId, order.Id, type, application.ReturnUrl, payload, now);
    }

    /// <summary>Transaction ids for the portal (and the order id we use at a parent): unguessable, unique, ≤ 64 chars.</summary>
    public static string NewTxnId(DateTime now) =>
        "IXP" + now.ToString("yyMMdd", CultureInfo.InvariantCulture) + RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16);

    /// <summary>A 15-digit acknowledgement number in the NSDL style ("88…").</summary>
    public static string NewAcknowledgementNumber() => "88" + RandomNumberGenerator.GetString("0123456789", 13);
}
