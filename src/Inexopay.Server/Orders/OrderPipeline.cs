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

/// <param name="Applied">False when the order was no longer pending (another request, node or the recovery got there first).</param>
/// <param name="Status">The order's status now: the outcome's when applied, otherwise whatever the winner recorded.</param>
/// <param name="Refunded">Whether the order's charge has been refunded (by this call or an earlier one).</param>
/// <param name="BalanceAfterPaise">The wallet balance right after the refund, or the current balance when there was none.</param>
public sealed record CompleteResult(bool Applied, OrderStatus Status, bool Refunded, long BalanceAfterPaise);

/// <summary>
/// The one path every paid call takes: claim the order id, charge the plan's fee and record the order in one
/// transaction (<see cref="PlaceAsync"/>); call the provider; record its outcome and refund a failure once
/// (<see cref="CompleteAsync"/>). Services supply only validation, the provider call and their response shape.
/// <para>
/// Exactly once, on both databases: the order id is claimed by the unique index (ResellerId, Mode, OrderRef) in the
/// same transaction as the charge, so a duplicate or a failed charge leaves nothing behind; an outcome is recorded
/// by a conditional UPDATE from Pending, which only one caller can win; and the refund is tied to that win, flagged
/// on the order and backed by the unique index on the refund's <see cref="LedgerEntry.ReversesEntryId"/>.
/// </para>
/// <para>
/// Crash safety: the order is committed with <see cref="Order.ProviderCallStartedAt"/> set before the provider is
/// called and the field is cleared when the outcome is recorded. An order found pending with it still set long after
/// (the process died mid call) is resolved by <see cref="OrderRecovery"/>. Services whose order legitimately stays
/// pending (a PAN application waiting for the portal) record <see cref="ProviderOutcome.Pending"/>, which clears it.
/// </para>
/// </summary>
public sealed class OrderPipeline(InexopayDb db, TimeProvider clock, SqliteWriteGate gate)
{
    /// <summary>The column's width; the service validates the reseller's order id before this.</summary>
    public const int MaxOrderRefLength = 64;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <param name="inSameTransaction">Adds the service's own rows (a PAN application, a BC agent…) atomically with the charge.</param>
    public async Task<PlaceResult> PlaceAsync(ResellerContext reseller, string service, string orderRef, string? requestJson,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderRef);
        if (orderRef.Length > MaxOrderRefLength)
            throw new ArgumentException($"An order id has at most {MaxOrderRefLength} characters; validate it before placing the order.", nameof(orderRef));
        if (reseller.FeeFor(service) is not { } fee) return new PlaceResult(PlaceStatus.ServiceNotInPlan);

        // Cheap read first: most duplicates are retries of finished orders and need no write lock. The unique index
        // below is what actually decides.
        if (await db.Orders.AnyAsync(o => o.ResellerId == reseller.ResellerId && o.Mode == reseller.Mode && o.OrderRef == orderRef, ct))
            return new PlaceResult(PlaceStatus.Duplicate);

        var now = Now;
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

        await using var tx = await gate.BeginAsync(db, ct);
        try
        {
            db.Orders.Add(order);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // A concurrent request with the same id won (on PostgreSQL this insert waited for it to commit).
                return new PlaceResult(PlaceStatus.Duplicate);
            }

            long balanceAfter;
            if (fee > 0)
            {
                var charge = await Ledger.PostAsync(db, reseller.WalletId, LedgerKind.Charge, -fee, now, service, order.Id, ct: ct);
                if (charge is null)
                {
                    // Disposing the transaction rolls the order back, so the id stays free for a retry after a top-up.
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
            return new PlaceResult(PlaceStatus.Placed, order, fee, balanceAfter);
        }
        finally
        {
            // The context is scoped to the request: never let a failed or finished step be saved again by a later one.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Records the provider's answer. Idempotent: an order already final is left as it is, and a refund happens at
    /// most once per charge. Not cancellable once called: the provider has answered, so the outcome is recorded
    /// even when the client has gone away.
    /// </summary>
    /// <returns>The wallet balance after the outcome (after a refund, if one was made).</returns>
    public async Task<long> CompleteAsync(Order order, ProviderOutcome outcome,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default) =>
        (await TryCompleteAsync(order, outcome, inSameTransaction, ct)).BalanceAfterPaise;

    /// <summary>Marks a pending order failed and refunds it, once. False when it was already final.</summary>
    public async Task<bool> FailAndRefundAsync(Order order, string reason, Func<InexopayDb, Order, Task>? inSameTransaction = null,
        CancellationToken ct = default) =>
        (await TryCompleteAsync(order, ProviderOutcome.Failed(reason), inSameTransaction, ct)).Applied;

    /// <summary>
    /// <see cref="CompleteAsync"/> that also says whether this call's outcome was the one recorded, so a service can
    /// answer with the order's real state when something else (a retry, <see cref="OrderRecovery"/>) finished it first.
    /// <paramref name="inSameTransaction"/> runs only when the outcome is applied.
    /// </summary>
    public async Task<CompleteResult> TryCompleteAsync(Order order, ProviderOutcome outcome,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default)
    {
        _ = ct; // deliberately not honoured, see CompleteAsync
        var none = CancellationToken.None;
        var now = Now;
        await using var tx = await gate.BeginAsync(db, none);
        try
        {
            // The conditional UPDATE is the claim: on PostgreSQL a concurrent caller waits for this row lock and then
            // finds the order no longer pending; on SQLite writers are serialised.
            var updated = await db.Orders
                .Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, outcome.Status)
                    .SetProperty(o => o.ProviderRef, o => outcome.ProviderRef ?? o.ProviderRef)
                    .SetProperty(o => o.ResultJson, o => outcome.ResultJson ?? o.ResultJson)
                    .SetProperty(o => o.FailureReason, outcome.FailureReason)
                    .SetProperty(o => o.ProviderCallStartedAt, (DateTime?)null)
                    .SetProperty(o => o.UpdatedAt, now), none);
            if (updated == 0)
            {
                await tx.CommitAsync(none);
                var current = await db.Orders.Where(o => o.Id == order.Id).Select(o => new { o.Status, o.Refunded }).FirstAsync(none);
                return new CompleteResult(false, current.Status, current.Refunded, await BalanceOfAsync(order, none));
            }

            order.Status = outcome.Status;
            order.ProviderRef = outcome.ProviderRef ?? order.ProviderRef;
            order.ResultJson = outcome.ResultJson ?? order.ResultJson;
            order.FailureReason = outcome.FailureReason;
            order.ProviderCallStartedAt = null;
            order.UpdatedAt = now;
            LedgerEntry? refund = null;
            if (outcome.Status == OrderStatus.Failed && outcome.Refund)
            {
                refund = await RefundInTransactionAsync(order.Id, outcome.FailureReason ?? order.Service, now, none);
                if (refund is not null) order.Refunded = true;
            }
            if (inSameTransaction is not null) await inSameTransaction(db, order);
            await db.SaveChangesAsync(none);
            await tx.CommitAsync(none);
            return new CompleteResult(true, outcome.Status, order.Refunded, refund?.BalanceAfterPaise ?? await BalanceOfAsync(order, none));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Refunds the order's charge inside the caller's transaction: exactly the amount charged, to the wallet it came
    /// from, pointing at the charge. Null when there was no charge or it is already refunded.
    /// </summary>
    private async Task<LedgerEntry?> RefundInTransactionAsync(long orderId, string reason, DateTime now, CancellationToken ct)
    {
        var charge = await (from o in db.Orders
                            join e in db.LedgerEntries on o.ChargeEntryId equals e.Id
                            where o.Id == orderId
                            select new { e.Id, e.WalletId, e.AmountPaise }).FirstOrDefaultAsync(ct);
        if (charge is null || charge.AmountPaise >= 0) return null;
        var claimed = await db.Orders.Where(o => o.Id == orderId && !o.Refunded)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Refunded, true), ct);
        if (claimed == 0) return null;
        return await Ledger.PostAsync(db, charge.WalletId, LedgerKind.Refund, -charge.AmountPaise, now,
            Truncate("refund: " + reason, 256), orderId, charge.Id, ct);
    }

    private Task<long> BalanceOfAsync(Order order, CancellationToken ct) =>
        db.Wallets.Where(w => w.ResellerId == order.ResellerId && w.Mode == order.Mode).Select(w => w.BalancePaise).FirstAsync(ct);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
