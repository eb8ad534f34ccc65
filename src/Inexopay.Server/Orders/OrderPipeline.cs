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
/// <para>
/// On PostgreSQL each call is its own transaction on the request's context. On SQLite, where only one transaction
/// writes at a time anyway, calls are handed to <see cref="SqliteOrderWriter"/>, which commits whatever has queued up
/// in one transaction, each call inside its own savepoint; a call returns only after that commit. The service's
/// <c>inSameTransaction</c> step must therefore use the context it is given (never the request's own), and must not
/// call the pipeline itself.
/// </para>
/// </summary>
public sealed class OrderPipeline(InexopayDb db, TimeProvider clock, SqliteOrderWriter writer)
{
    /// <summary>The column's width; the service validates the reseller's order id before this.</summary>
    public const int MaxOrderRefLength = 64;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <param name="inSameTransaction">
    /// Adds the service's own rows (a PAN application, a BC agent…) atomically with the charge, through the context it
    /// is given, and may settle the order at once by changing it (status, provider reference, result,
    /// <see cref="Order.ProviderCallStartedAt"/> = null).
    /// </param>
    public async Task<PlaceResult> PlaceAsync(ResellerContext reseller, string service, string orderRef, string? requestJson,
        Func<InexopayDb, Order, Task>? inSameTransaction = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderRef);
        if (orderRef.Length > MaxOrderRefLength)
            throw new ArgumentException($"An order id has at most {MaxOrderRefLength} characters; validate it before placing the order.", nameof(orderRef));
        if (reseller.FeeFor(service) is not { } fee) return new PlaceResult(PlaceStatus.ServiceNotInPlan);
        SqliteOrderWriter.ThrowIfInsideAStep();

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

        if (writer.Enabled)
            return await writer.RunAsync((wdb, tx) => PlaceInTransactionAsync(wdb, tx, reseller, order, fee, inSameTransaction, now), ct);

        await OpenAsync(ct);
        try
        {
            // A cheap read first: most duplicates are retries of finished orders and need no row lock. The unique
            // index is what actually decides.
            if (await Sql.ScalarAsync<int>(db, null,
                    """SELECT 1 FROM "Orders" WHERE "ResellerId" = @reseller AND "Mode" = @mode AND "OrderRef" = @ref LIMIT 1""",
                    ct, ("reseller", order.ResellerId), ("mode", order.Mode.ToString()), ("ref", orderRef)) is not null)
                return new PlaceResult(PlaceStatus.Duplicate);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var (result, keep) = await PlaceInTransactionAsync(db, transaction, reseller, order, fee, inSameTransaction, now, ct);
            // Not keeping it: disposing rolls back, so a refused order leaves nothing and its id stays free.
            if (keep) await transaction.CommitAsync(ct);
            return result;
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
        SqliteOrderWriter.ThrowIfInsideAStep();
        var now = Now;
        if (writer.Enabled)
            return await writer.RunAsync((wdb, tx) => CompleteInTransactionAsync(wdb, tx, order, outcome, inSameTransaction, now), CancellationToken.None);

        await OpenAsync(CancellationToken.None);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var (result, keep) = await CompleteInTransactionAsync(db, transaction, order, outcome, inSameTransaction, now);
            if (keep) await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>Claims the order id, charges the fee and runs the service's step. Keep = false: roll it all back.</summary>
    private static async Task<(PlaceResult Result, bool Keep)> PlaceInTransactionAsync(InexopayDb db, IDbContextTransaction transaction,
        ResellerContext reseller, Order order, long fee, Func<InexopayDb, Order, Task>? step, DateTime now, CancellationToken ct = default)
    {
        try
        {
            order.Id = (await Sql.ScalarAsync<long>(db, transaction,
                """
                INSERT INTO "Orders" ("ResellerId", "Mode", "OrderRef", "Service", "Status", "FeePaise", "Refunded",
                    "ProviderCallStartedAt", "RequestJson", "CreatedAt", "UpdatedAt")
                VALUES (@reseller, @mode, @ref, @service, @status, @fee, @refunded, @now, @request, @now, @now) RETURNING "Id"
                """,
                ct, ("reseller", order.ResellerId), ("mode", order.Mode.ToString()), ("ref", order.OrderRef), ("service", order.Service),
                ("status", nameof(OrderStatus.Pending)), ("fee", fee), ("refunded", false), ("now", now), ("request", order.RequestJson)))!.Value;
        }
        catch (Exception e) when (Sql.IsUniqueViolation(e))
        {
            // Another call with the same id got there first (on PostgreSQL this insert waited for it to commit).
            return (new PlaceResult(PlaceStatus.Duplicate), false);
        }

        long balanceAfter;
        if (fee > 0)
        {
            var charge = await Ledger.PostAsync(db, reseller.WalletId, LedgerKind.Charge, -fee, now, order.Service, order.Id, ct: ct);
            if (charge is null)
                return (new PlaceResult(PlaceStatus.InsufficientBalance, FeePaise: fee,
                    BalanceAfterPaise: await Ledger.BalanceAsync(db, reseller.WalletId, ct)), false);
            order.ChargeEntryId = charge.Id;
            balanceAfter = charge.BalanceAfterPaise;
        }
        else
        {
            balanceAfter = await Ledger.BalanceAsync(db, reseller.WalletId, ct);
        }

        // The charge's id goes on the order together with whatever the service's step changed: one UPDATE.
        await RunStepAsync(db, transaction, step, order, now, order.ChargeEntryId is not null, ct);
        return (new PlaceResult(PlaceStatus.Placed, order, fee, balanceAfter), true);
    }

    /// <summary>Records the outcome if the order is still pending, refunds a failure, runs the service's step.</summary>
    private static async Task<(CompleteResult Result, bool Keep)> CompleteInTransactionAsync(InexopayDb db, IDbContextTransaction transaction,
        Order order, ProviderOutcome outcome, Func<InexopayDb, Order, Task>? step, DateTime now)
    {
        var none = CancellationToken.None;
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
            return (new CompleteResult(false, current.Status, current.Refunded, await BalanceOfAsync(db, order, none)), false);
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
            refund = await RefundInTransactionAsync(db, transaction, order.Id, outcome.FailureReason ?? order.Service, now, none);
            if (refund is not null) order.Refunded = true;
        }
        if (step is not null) await RunStepAsync(db, transaction, step, order, now, false, none);
        var balanceAfter = refund?.BalanceAfterPaise ?? await BalanceOfAsync(db, order, none);
        return (new CompleteResult(true, outcome.Status, order.Refunded, balanceAfter), true);
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
    private static async Task RunStepAsync(InexopayDb db, IDbContextTransaction transaction, Func<InexopayDb, Order, Task>? step, Order order,
        DateTime now, bool saveChargeId, CancellationToken ct)
    {
        var before = OrderFields.Of(order);
        if (step is not null) await SqliteOrderWriter.RunStepAsync(step, db, order);
        var after = OrderFields.Of(order);
        // Only what changed is written: the caller's Order may be a partial copy.
        var set = new List<(string Column, object? Value)>(8);
        if (saveChargeId) set.Add(("ChargeEntryId", order.ChargeEntryId));
        if (after.Status != before.Status) set.Add(("Status", after.Status.ToString()));
        if (after.ProviderRef != before.ProviderRef) set.Add(("ProviderRef", after.ProviderRef));
        if (after.ResultJson != before.ResultJson) set.Add(("ResultJson", after.ResultJson));
        if (after.FailureReason != before.FailureReason) set.Add(("FailureReason", after.FailureReason));
        if (after.ProviderCallStartedAt != before.ProviderCallStartedAt) set.Add(("ProviderCallStartedAt", after.ProviderCallStartedAt));
        if (after.RequestJson != before.RequestJson) set.Add(("RequestJson", after.RequestJson));
        if (after != before)
        {
            order.UpdatedAt = now;
            set.Add(("UpdatedAt", now));
        }
        if (set.Count > 0)
        {
            var sql = $"""UPDATE "Orders" SET {string.Join(", ", set.Select((c, i) => $"\"{c.Column}\" = @p{i}"))} WHERE "Id" = @order""";
            await Sql.ExecuteAsync(db, transaction, sql, ct, [.. set.Select((c, i) => ($"p{i}", c.Value)), ("order", (object?)order.Id)]);
        }
        if (step is not null && db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Refunds the order's charge inside the caller's transaction: exactly the amount charged, to the wallet it came
    /// from, pointing at the charge. Null when there was no charge or it is already refunded.
    /// </summary>
    private static async Task<LedgerEntry?> RefundInTransactionAsync(InexopayDb db, IDbContextTransaction transaction, long orderId,
        string reason, DateTime now, CancellationToken ct)
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

    private static Task<long> BalanceOfAsync(InexopayDb db, Order order, CancellationToken ct) =>
        WalletBalance.For(db)(db, order.ResellerId, order.Mode, ct);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
