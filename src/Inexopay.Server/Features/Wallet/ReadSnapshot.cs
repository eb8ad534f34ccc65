using System.Data;
using System.Data.Common;
using Inexopay.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Inexopay.Server.Features.Wallet;

/// <summary>
/// A read-only transaction in which every query sees the same committed state, so an audit taken while the server
/// writes compares balances and entries from one moment. SQLite: a deferred transaction (in WAL mode its first read
/// fixes the snapshot and it never takes the write lock). PostgreSQL: REPEATABLE READ. Disposing ends it.
/// </summary>
public sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly InexopayDb _db;
    private readonly IDbContextTransaction? _efTransaction;
    private readonly DbTransaction? _sqliteTransaction;

    private ReadSnapshot(InexopayDb db, IDbContextTransaction? efTransaction, DbTransaction? sqliteTransaction)
    {
        _db = db;
        _efTransaction = efTransaction;
        _sqliteTransaction = sqliteTransaction;
    }

    public static async Task<ReadSnapshot> BeginAsync(InexopayDb db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
            return new ReadSnapshot(db, await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct), null);
        // EF's own BeginTransaction would be BEGIN IMMEDIATE, i.e. take the write lock for the whole audit.
        await db.Database.OpenConnectionAsync(ct);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, ct);
        return new ReadSnapshot(db, null, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        if (_efTransaction is not null)
        {
            await _efTransaction.DisposeAsync();
            return;
        }
        await _db.Database.UseTransactionAsync(null);
        await _sqliteTransaction!.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
    }
}
