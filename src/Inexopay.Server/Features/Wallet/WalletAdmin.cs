using Inexopay.Server.Api;
using Inexopay.Server.Features.Accounts;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Wallet;

public sealed record LedgerLine(long Id, string Kind, decimal Amount, decimal BalanceAfter, string? OrderId, string? Reason, DateTime CreatedAt);

public sealed record WalletCheck(string Username, string Mode, long BalancePaise, long LedgerSumPaise)
{
    public bool Consistent => BalancePaise == LedgerSumPaise && BalancePaise >= 0;
}

/// <summary>Operator money actions: credits and debits with a reason, the ledger, and the balance = sum-of-entries check.</summary>
public sealed class WalletAdmin(InexopayDb db, TimeProvider clock, ResellerAccounts accounts)
{
    public async Task<long> AdjustAsync(string? username, ApiMode mode, long amountPaise, string? reason, string actor, CancellationToken ct = default)
    {
        if (amountPaise == 0) throw new OperatorError("--amount must be more than zero.");
        if (string.IsNullOrWhiteSpace(reason)) reason = amountPaise > 0 ? "operator credit" : "operator debit";
        var reseller = await accounts.FindAsync(username, ct);
        var walletId = await db.Wallets.Where(w => w.ResellerId == reseller.Id && w.Mode == mode).Select(w => w.Id).FirstAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
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

    /// <summary>For every wallet: does the balance equal the sum of its ledger entries (and is it non-negative)?</summary>
    public async Task<List<WalletCheck>> VerifyAsync(CancellationToken ct = default)
    {
        var sums = await db.LedgerEntries.GroupBy(e => e.WalletId).Select(g => new { g.Key, Sum = g.Sum(e => e.AmountPaise) })
            .ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
        var wallets = await (from w in db.Wallets join r in db.Resellers on w.ResellerId equals r.Id
                             orderby r.Username, w.Mode
                             select new { w.Id, r.Username, w.Mode, w.BalancePaise }).ToListAsync(ct);
        return wallets.Select(w => new WalletCheck(w.Username, AuthMessages.ModeName(w.Mode), w.BalancePaise, sums.GetValueOrDefault(w.Id))).ToList();
    }
}
