using Inexopay.Server.Api;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Wallet;

public sealed record LedgerLine(long Id, string Kind, decimal Amount, decimal BalanceAfter, string? OrderId, string? Reason, DateTime CreatedAt);

/// <summary>One wallet's audit: its balance against its ledger, and its orders against their charges and refunds.</summary>
/// <param name="LatestBalanceAfterPaise">The balance recorded on the wallet's newest entry (null when it has none).</param>
/// <param name="Problems">Everything found wrong, one line each (empty when the wallet is consistent).</param>
public sealed record WalletCheck(string Username, string Mode, long BalancePaise, long LedgerSumPaise, long? LatestBalanceAfterPaise = null,
    IReadOnlyList<string>? Problems = null)
{
    public IReadOnlyList<string> Problems { get; init; } = Problems ?? [];

    public bool Consistent => Problems.Count == 0 && BalancePaise == LedgerSumPaise && BalancePaise >= 0
        && (LatestBalanceAfterPaise ?? 0) == BalancePaise;
}

/// <summary>Operator money actions: credits and debits with a reason, the ledger, and the balance = sum-of-entries check.</summary>
public sealed class WalletAdmin(InexopayDb db, TimeProvider clock, ResellerAccounts accounts, SqliteWriteGate gate)
{
    public async Task<long> AdjustAsync(string? username, ApiMode mode, long amountPaise, string? reason, string actor, CancellationToken ct = default)
    {
        if (amountPaise == 0) throw new OperatorError("--amount must be more than zero.");
        if (string.IsNullOrWhiteSpace(reason)) reason = amountPaise > 0 ? "operator credit" : "operator debit";
        var reseller = await accounts.FindAsync(username, ct);
        var walletId = await db.Wallets.Where(w => w.ResellerId == reseller.Id && w.Mode == mode).Select(w => w.Id).FirstAsync(ct);
        await using var tx = await gate.BeginAsync(db, ct);
        var entry = await Ledger.PostAsync(db, walletId, amountPaise > 0 ? LedgerKind.TopUp : LedgerKind.Adjustment, amountPaise,
            clock.GetUtcNow().UtcDateTime, reason.Trim(), ct: ct)
            ?? throw new OperatorError($"Insufficient balance: the {AuthMessages.ModeName(mode)} wallet of {reseller.Username} cannot cover {Money.Rupees(-amountPaise)}.");
        accounts.Audit(actor, amountPaise > 0 ? "wallet.credit" : "wallet.debit", reseller.Username,
            $"mode={AuthMessages.ModeName(mode)} amount={Money.Rupees(amountPaise)} reason={reason.Trim()}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return entry.BalanceAfterPaise;
    }

    public async Task<List<LedgerLine>> LedgerAsync(string? username, ApiMode mode, int limit, CancellationToken ct = default)
    {
        var reseller = await accounts.FindAsync(username, ct);
        var rows = await (from e in db.LedgerEntries
                          join w in db.Wallets on e.WalletId equals w.Id
                          where w.ResellerId == reseller.Id && w.Mode == mode
                          orderby e.Id descending
                          select new { e, OrderRef = db.Orders.Where(o => o.Id == e.OrderId).Select(o => o.OrderRef).FirstOrDefault() })
            .Take(limit).ToListAsync(ct);
        return rows.Select(r => new LedgerLine(r.e.Id, r.e.Kind.ToString().ToLowerInvariant(), Money.Rupees(r.e.AmountPaise),
            Money.Rupees(r.e.BalanceAfterPaise), r.OrderRef, r.e.Reason, r.e.CreatedAt)).ToList();
    }

    /// <summary>
    /// The wallets audit (<c>wallet verify</c>), read from one consistent snapshot while the server keeps writing. For
    /// every wallet: the balance equals the sum of its entries and the balance-after of its newest entry, and is not
    /// negative; no entry records a negative balance.
    /// </summary>
    public Task<List<WalletCheck>> VerifyAsync(CancellationToken ct = default) => CheckAsync(orders: false, ct);

    /// <summary>
    /// <see cref="VerifyAsync"/> plus the orders against the ledger: every order with a fee has its charge (of that
    /// fee, pointing back at it) and every charge its order; every refund reverses one charge of its order; and an
    /// order is flagged refunded exactly when its charge has been reversed (and only a failed order is).
    /// </summary>
    public Task<List<WalletCheck>> AuditAsync(CancellationToken ct = default) => CheckAsync(orders: true, ct);

    private async Task<List<WalletCheck>> CheckAsync(bool orders, CancellationToken ct)
    {
        await using var snapshot = await ReadSnapshot.BeginAsync(db, ct);
        var ledger = await db.LedgerEntries.GroupBy(e => e.WalletId)
            .Select(g => new { WalletId = g.Key, Sum = g.Sum(e => e.AmountPaise), LastId = g.Max(e => e.Id) })
            .ToListAsync(ct);
        var lastIds = ledger.Select(l => l.LastId).ToList();
        var latest = await db.LedgerEntries.Where(e => lastIds.Contains(e.Id)).Select(e => new { e.WalletId, e.BalanceAfterPaise })
            .ToDictionaryAsync(e => e.WalletId, e => e.BalanceAfterPaise, ct);
        var sums = ledger.ToDictionary(l => l.WalletId, l => l.Sum);
        var wallets = await (from w in db.Wallets join r in db.Resellers on w.ResellerId equals r.Id
                             orderby r.Username, w.Mode
                             select new { w.Id, w.ResellerId, r.Username, w.Mode, w.BalancePaise }).ToListAsync(ct);
        var walletOf = wallets.ToDictionary(w => (w.ResellerId, w.Mode), w => w.Id);
        var problems = wallets.ToDictionary(w => w.Id, _ => new List<string>());
        void Add(long walletId, string problem)
        {
            if (problems.TryGetValue(walletId, out var list) && list.Count < 20) list.Add(problem);
        }

        const int Limit = 1000;
        foreach (var e in await db.LedgerEntries.Where(e => e.BalanceAfterPaise < 0).Select(e => new { e.WalletId, e.Id }).Take(Limit).ToListAsync(ct))
            Add(e.WalletId, $"entry #{e.Id} records a negative balance");

        if (!orders) return Checks();

        var ordersWithoutCharge = await db.Orders
            .Where(o => o.FeePaise > 0 && !db.LedgerEntries.Any(e => e.Id == o.ChargeEntryId && e.Kind == LedgerKind.Charge
                && e.OrderId == o.Id && e.AmountPaise == -o.FeePaise))
            .Select(o => new { o.ResellerId, o.Mode, o.OrderRef }).Take(Limit).ToListAsync(ct);
        foreach (var o in ordersWithoutCharge)
            if (walletOf.TryGetValue((o.ResellerId, o.Mode), out var w)) Add(w, $"order {o.OrderRef} has no charge of its fee");

        var chargesWithoutOrder = await db.LedgerEntries
            .Where(e => e.Kind == LedgerKind.Charge && !db.Orders.Any(o => o.Id == e.OrderId && o.ChargeEntryId == e.Id))
            .Select(e => new { e.WalletId, e.Id }).Take(Limit).ToListAsync(ct);
        foreach (var e in chargesWithoutOrder) Add(e.WalletId, $"charge #{e.Id} belongs to no order");

        var strayRefunds = await db.LedgerEntries
            .Where(e => e.Kind == LedgerKind.Refund && !db.LedgerEntries.Any(c => c.Id == e.ReversesEntryId && c.Kind == LedgerKind.Charge
                && c.WalletId == e.WalletId && c.AmountPaise == -e.AmountPaise && c.OrderId == e.OrderId))
            .Select(e => new { e.WalletId, e.Id }).Take(Limit).ToListAsync(ct);
        foreach (var e in strayRefunds) Add(e.WalletId, $"refund #{e.Id} does not reverse a charge of its order");

        var refundMismatches = await db.Orders
            .Where(o => o.Refunded != db.LedgerEntries.Any(e => o.ChargeEntryId != null && e.Kind == LedgerKind.Refund && e.ReversesEntryId == o.ChargeEntryId)
                || (o.Refunded && o.Status != OrderStatus.Failed))
            .Select(o => new { o.ResellerId, o.Mode, o.OrderRef, o.Refunded }).Take(Limit).ToListAsync(ct);
        foreach (var o in refundMismatches)
            if (walletOf.TryGetValue((o.ResellerId, o.Mode), out var w))
                Add(w, o.Refunded ? $"order {o.OrderRef} is marked refunded without a refund entry, or is not failed" : $"order {o.OrderRef} was refunded but is not marked so");

        return Checks();

        List<WalletCheck> Checks() => wallets.Select(w => new WalletCheck(w.Username, AuthMessages.ModeName(w.Mode), w.BalancePaise,
            sums.GetValueOrDefault(w.Id), latest.TryGetValue(w.Id, out var after) ? after : null, problems[w.Id])).ToList();
    }
}
