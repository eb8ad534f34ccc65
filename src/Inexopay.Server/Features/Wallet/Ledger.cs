using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Wallet;

/// <summary>
/// The only code that changes a balance. Each posting is one conditional UPDATE (which also takes the row lock
/// on PostgreSQL and the write lock on SQLite) plus one immutable ledger row carrying the balance after it, so
/// balance = sum of entries holds at every commit and a balance can never go below zero.
/// Call it inside the caller's transaction.
/// </summary>
public static class Ledger
{
    /// <summary>Posts <paramref name="amountPaise"/> (negative for a debit); null when the wallet cannot cover it.</summary>
    public static async Task<LedgerEntry?> PostAsync(InexopayDb db, long walletId, LedgerKind kind, long amountPaise, DateTime now,
        string? reason = null, long? orderId = null, long? reversesEntryId = null, CancellationToken ct = default)
    {
        var balances = await db.Database.SqlQuery<long>(
            $"""UPDATE "Wallets" SET "BalancePaise" = "BalancePaise" + {amountPaise} WHERE "Id" = {walletId} AND "BalancePaise" + {amountPaise} >= 0 RETURNING "BalancePaise" AS "Value" """)
            .ToListAsync(ct);
        if (balances.Count == 0) return null;

        var entry = new LedgerEntry
        {
            WalletId = walletId,
            Kind = kind,
            AmountPaise = amountPaise,
            BalanceAfterPaise = balances[0],
            OrderId = orderId,
            ReversesEntryId = reversesEntryId,
            Reason = reason,
            CreatedAt = now,
        };
        db.LedgerEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    public static Task<long> BalanceAsync(InexopayDb db, long walletId, CancellationToken ct) =>
        db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePaise).FirstAsync(ct);
}
