using Inexopay.Server.Auth;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Orders;

public enum PlaceStatus { Placed, Duplicate, InsufficientBalance, ServiceNotInPlan }

public sealed record PlaceResult(PlaceStatus Status, Order? Order = null, long FeePaise = 0, long BalanceAfterPaise = 0);

/// <summary>What the provider said. A failure that is not the reseller's fault is refunded (<see cref="Refund"/>).</summary>
public sealed record ProviderOutcome(OrderStatus Status, string? ProviderRef = null, string? ResultJson = null,
    string? FailureReason = null, bool Refund = true)
{
    public static ProviderOutcome Succeeded(string? providerRef = null, string? resultJson = null) =>
        new(OrderStatus.Succeeded, providerRef, resultJson);

    public static ProviderOutcome Failed(string reason, string? resultJson = null, bool refund = true) =>
        new(OrderStatus.Failed, null, resultJson, reason, refund);

    /// <summary>Accepted by the provider, final status later (PAN applications, bank KYC).</summary>
    public static ProviderOutcome Pending(string? providerRef = null, string? resultJson = null) =>
        new(OrderStatus.Pending, providerRef, resultJson);
}

/// <summary>
/// The one path every paid call takes: claim the order id, charge the plan's fee and record the order in one
/// transaction (<see cref="PlaceAsync"/>); call the provider; record its outcome and refund a failure once
/// (<see cref="CompleteAsync"/>). Services supply only validation, the provider call and their response shape.
/// </summary>
public sealed class OrderPipeline(InexopayDb db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <param name="inSameTransaction">Adds the service's own rows (a PAN application, a BC agent…) atomically with the charge.</param>
    public async Task<PlaceResult> PlaceAsync(ResellerContext reseller, string service, string orderRef, string? requestJson,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default)
    {
        if (reseller.FeeFor(service) is not { } fee) return new PlaceResult(PlaceStatus.ServiceNotInPlan);

        // Cheap read first: most duplicates are retries of finished orders and need no write lock.
        if (await db.Orders.AnyAsync(o => o.ResellerId == reseller.ResellerId && o.Mode == reseller.Mode && o.OrderRef == orderRef, ct))
            return new PlaceResult(PlaceStatus.Duplicate);

        var now = Now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var order = new Order
        {
            ResellerId = reseller.ResellerId,
            Mode = reseller.Mode,
            OrderRef = orderRef,
            Service = service,
            Status = OrderStatus.Pending,
            FeePaise = fee,
            ProviderCallStartedAt = now,
            RequestJson = requestJson,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return new PlaceResult(PlaceStatus.Duplicate);
        }

        long balanceAfter;
        if (fee > 0)
        {
            var charge = await Ledger.PostAsync(db, reseller.WalletId, LedgerKind.Charge, -fee, now, service, order.Id, ct: ct);
            if (charge is null)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return new PlaceResult(PlaceStatus.InsufficientBalance, FeePaise: fee,
                    BalanceAfterPaise: await Ledger.BalanceAsync(db, reseller.WalletId, ct));
            }
            order.ChargeEntryId = charge.Id;
            balanceAfter = charge.BalanceAfterPaise;
        }
        else
        {
            balanceAfter = await Ledger.BalanceAsync(db, reseller.WalletId, ct);
        }

        if (inSameTransaction is not null) await inSameTransaction(db, order);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // Later steps change the order with targeted updates; keep the context from saving it again.
        db.ChangeTracker.Clear();
        return new PlaceResult(PlaceStatus.Placed, order, fee, balanceAfter);
    }

    /// <summary>
    /// Records the provider's answer. Idempotent: an order already final is left as it is, and a refund happens at
    /// most once per charge (a unique index on the refund's reversed entry backs the flag).
    /// </summary>
    /// <returns>The wallet balance after the outcome (after a refund, if one was made).</returns>
    public async Task<long> CompleteAsync(Order order, ProviderOutcome outcome,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default)
    {
        var now = Now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var updated = await db.Orders
            .Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, outcome.Status)
                .SetProperty(o => o.ProviderRef, o => outcome.ProviderRef ?? o.ProviderRef)
                .SetProperty(o => o.ResultJson, o => outcome.ResultJson ?? o.ResultJson)
                .SetProperty(o => o.FailureReason, outcome.FailureReason)
                .SetProperty(o => o.ProviderCallStartedAt, (DateTime?)null)
                .SetProperty(o => o.UpdatedAt, now), ct);
        if (updated == 1)
        {
            order.Status = outcome.Status;
            order.ProviderRef = outcome.ProviderRef ?? order.ProviderRef;
            order.ResultJson = outcome.ResultJson ?? order.ResultJson;
            order.FailureReason = outcome.FailureReason;
            order.ProviderCallStartedAt = null;
            order.UpdatedAt = now;
            if (outcome.Status == OrderStatus.Failed && outcome.Refund) await RefundInTransactionAsync(order, outcome.FailureReason, now, ct);
            if (inSameTransaction is not null) await inSameTransaction(db, order);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return await db.Wallets
            .Where(w => w.ResellerId == order.ResellerId && w.Mode == order.Mode)
            .Select(w => w.BalancePaise).FirstAsync(ct);
    }

    /// <summary>Marks a pending order failed and refunds it, once. False when it was already final.</summary>
    public async Task<bool> FailAndRefundAsync(Order order, string reason, Func<InexopayDb, Order, Task>? inSameTransaction = null,
        CancellationToken ct = default)
    {
        var before = order.Status;
        await CompleteAsync(order, ProviderOutcome.Failed(reason), inSameTransaction, ct);
        return before == OrderStatus.Pending && order.Status == OrderStatus.Failed;
    }

    private async Task RefundInTransactionAsync(Order order, string? reason, DateTime now, CancellationToken ct)
    {
        if (order.ChargeEntryId is not { } chargeId) return;
        var claimed = await db.Orders.Where(o => o.Id == order.Id && !o.Refunded)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Refunded, true), ct);
        if (claimed == 0) return;
        var walletId = await db.Wallets.Where(w => w.ResellerId == order.ResellerId && w.Mode == order.Mode).Select(w => w.Id).FirstAsync(ct);
        await Ledger.PostAsync(db, walletId, LedgerKind.Refund, order.FeePaise, now,
            Truncate("refund: " + (reason ?? order.Service), 256), order.Id, chargeId, ct);
        order.Refunded = true;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
