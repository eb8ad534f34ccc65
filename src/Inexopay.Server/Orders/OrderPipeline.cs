using Inexopay.Server.Auth;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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

    /// <param name="inSameTransaction">
    /// Adds the service's own rows (a PAN application, a BC agent…) atomically with the charge, and may settle the order
    /// at once by changing it (status, provider reference, result, <see cref="Order.ProviderCallStartedAt"/> = null).
    /// </param>
    public async Task<PlaceResult> PlaceAsync(ResellerContext reseller, string service, string orderRef, string? requestJson,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderRef);
        if (orderRef.Length > MaxOrderRefLength)
            throw new ArgumentException($"An order id has at most {MaxOrderRefLength} characters; validate it before placing the order.", nameof(orderRef));
        if (reseller.FeeFor(service) is not { } fee) return new PlaceResult(PlaceStatus.ServiceNotInPlan);

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

        await OpenAsync(ct);
        try
        {
            // Cheap read first: most duplicates are retries of finished orders and need no write lock. The unique
            // index below is what actually decides.
            if (await Sql.ScalarAsync<int>(db, null,
                    """SELECT 1 FROM "Orders" WHERE "ResellerId" = @reseller AND "Mode" = @mode AND "OrderRef" = @ref LIMIT 1""",
                    ct, ("reseller", order.ResellerId), ("mode", order.Mode.ToString()), ("ref", orderRef)) is not null)
                return new PlaceResult(PlaceStatus.Duplicate);

            await using var tx = await gate.BeginAsync(db, ct);
            var transaction = tx.Transaction;
            try
            {
                order.Id = (await Sql.ScalarAsync<long>(db, transaction,
                    """
                    INSERT INTO "Orders" ("ResellerId", "Mode", "OrderRef", "Service", "Status", "FeePaise", "Refunded",
                        "ProviderCallStartedAt", "RequestJson", "CreatedAt", "UpdatedAt")
                    VALUES (@reseller, @mode, @ref, @service, @status, @fee, @refunded, @now, @request, @now, @now) RETURNING "Id"
                    """,
                    ct, ("reseller", order.ResellerId), ("mode", order.Mode.ToString()), ("ref", orderRef), ("service", service),
                    ("status", nameof(OrderStatus.Pending)), ("fee", fee), ("refunded", false), ("now", now), ("request", requestJson)))!.Value;
            }
            catch (Exception e) when (Sql.IsUniqueViolation(e))
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
                await Sql.ExecuteAsync(db, transaction, """UPDATE "Orders" SET "ChargeEntryId" = @charge WHERE "Id" = @order""",
                    ct, ("charge", charge.Id), ("order", order.Id));
            }
            else
            {
                balanceAfter = await Ledger.BalanceAsync(db, reseller.WalletId, ct);
            }

            if (inSameTransaction is not null) await RunInSameTransactionAsync(transaction, inSameTransaction, order, now, ct);
            await tx.CommitAsync(ct);
            return new PlaceResult(PlaceStatus.Placed, order, fee, balanceAfter);
        }
        finally
        {
            await CloseAsync();
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
        await OpenAsync(none);
        try
        {
            await using var tx = await gate.BeginAsync(db, none);
            var transaction = tx.Transaction;
            // The conditional UPDATE is the claim: on PostgreSQL a concurrent caller waits for this row lock and then
            // finds the order no longer pending; on SQLite writers are serialised.
            var updated = await Sql.ExecuteAsync(db, transaction,
                """
                UPDATE "Orders" SET "Status" = @status, "ProviderRef" = COALESCE(@providerRef, "ProviderRef"),
                    "ResultJson" = COALESCE(@result, "ResultJson"), "FailureReason" = @reason, "ProviderCallStartedAt" = NULL, "UpdatedAt" = @now
                WHERE "Id" = @order AND "Status" = @pending
                """,
                none, ("status", outcome.Status.ToString()), ("providerRef", outcome.ProviderRef), ("result", outcome.ResultJson),
                ("reason", outcome.FailureReason), ("now", now), ("order", order.Id), ("pending", nameof(OrderStatus.Pending)));
            if (updated == 0)
            {
                var current = await db.Orders.Where(o => o.Id == order.Id).Select(o => new { o.Status, o.Refunded }).FirstAsync(none);
                var balance = await BalanceOfAsync(order, none);
                await tx.CommitAsync(none);
                return new CompleteResult(false, current.Status, current.Refunded, balance);
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
                refund = await RefundInTransactionAsync(transaction, order.Id, outcome.FailureReason ?? order.Service, now, none);
                if (refund is not null) order.Refunded = true;
            }
            if (inSameTransaction is not null) await RunInSameTransactionAsync(transaction, inSameTransaction, order, now, none);
            var balanceAfter = refund?.BalanceAfterPaise ?? await BalanceOfAsync(order, none);
            await tx.CommitAsync(none);
            return new CompleteResult(true, outcome.Status, order.Refunded, balanceAfter);
        }
        finally
        {
            await CloseAsync();
        }
    }

    private readonly record struct OrderFields(OrderStatus Status, string? ProviderRef, string? ResultJson, string? FailureReason,
        DateTime? ProviderCallStartedAt, string? RequestJson)
    {
        public static OrderFields Of(Order o) => new(o.Status, o.ProviderRef, o.ResultJson, o.FailureReason, o.ProviderCallStartedAt, o.RequestJson);
    }

    /// <summary>
    /// Runs the service's step in the transaction and saves what it did: rows it added to the context, and changes it
    /// made to the order itself — a service whose answer is known at once (the sandbox) settles the order right here,
    /// setting its status, provider reference, result and clearing <see cref="Order.ProviderCallStartedAt"/>.
    /// </summary>
    private async Task RunInSameTransactionAsync(IDbContextTransaction transaction, Func<InexopayDb, Order, Task> step, Order order,
        DateTime now, CancellationToken ct)
    {
        var before = OrderFields.Of(order);
        await step(db, order);
        if (OrderFields.Of(order) != before)
        {
            order.UpdatedAt = now;
            await Sql.ExecuteAsync(db, transaction,
                """
                UPDATE "Orders" SET "Status" = @status, "ProviderRef" = @providerRef, "ResultJson" = @result, "FailureReason" = @reason,
                    "ProviderCallStartedAt" = @started, "RequestJson" = @request, "UpdatedAt" = @now
                WHERE "Id" = @order
                """,
                ct, ("status", order.Status.ToString()), ("providerRef", order.ProviderRef), ("result", order.ResultJson),
                ("reason", order.FailureReason), ("started", order.ProviderCallStartedAt), ("request", order.RequestJson), ("now", now),
                ("order", order.Id));
        }
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Refunds the order's charge inside the caller's transaction: exactly the amount charged, to the wallet it came
    /// from, pointing at the charge. Null when there was no charge or it is already refunded.
    /// </summary>
    private async Task<LedgerEntry?> RefundInTransactionAsync(IDbContextTransaction transaction, long orderId, string reason, DateTime now,
        CancellationToken ct)
    {
        var charge = await (from o in db.Orders
                            join e in db.LedgerEntries on o.ChargeEntryId equals e.Id
                            where o.Id == orderId
                            select new { e.Id, e.WalletId, e.AmountPaise }).FirstOrDefaultAsync(ct);
        if (charge is null || charge.AmountPaise >= 0) return null;
        var claimed = await Sql.ExecuteAsync(db, transaction, """UPDATE "Orders" SET "Refunded" = @yes WHERE "Id" = @order AND "Refunded" = @no""",
            ct, ("yes", true), ("order", orderId), ("no", false));
        if (claimed == 0) return null;
        return await Ledger.PostAsync(db, charge.WalletId, LedgerKind.Refund, -charge.AmountPaise, now,
            Truncate("refund: " + reason, 256), orderId, charge.Id, ct);
    }

    /// <summary>
    /// One connection for the whole call: EF would otherwise open and close it around every statement outside the
    /// transaction. Savepoints are off because a failure anywhere rolls the whole transaction back anyway. The
    /// context is scoped to the request; clearing it means no failed or finished step is ever saved again by a later one.
    /// </summary>
    private async Task OpenAsync(CancellationToken ct)
    {
        db.Database.AutoSavepointsEnabled = false;
        await db.Database.OpenConnectionAsync(ct);
    }

    private async Task CloseAsync()
    {
        db.ChangeTracker.Clear();
        await db.Database.CloseConnectionAsync();
    }

    private static readonly CompiledPerModel<Func<InexopayDb, long, ApiMode, CancellationToken, Task<long>>> WalletBalance = new(() =>
        EF.CompileAsyncQuery((InexopayDb db, long resellerId, ApiMode mode, CancellationToken ct) =>
            db.Wallets.Where(w => w.ResellerId == resellerId && w.Mode == mode).Select(w => w.BalancePaise).First()));

    private Task<long> BalanceOfAsync(Order order, CancellationToken ct) => WalletBalance.For(db)(db, order.ResellerId, order.Mode, ct);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
