using System.Data.Common;
using Inexopay.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Inexopay.Server.Orders;

/// <summary>
/// SQLite lets one transaction write at a time. When two connections of this process race for it, the loser gets
/// SQLITE_BUSY and Microsoft.Data.Sqlite retries by blocking a thread-pool thread for 150 ms per attempt: under load
/// that starves the pool and turns a 0.2 ms charge into hundreds of milliseconds. The money paths therefore queue
/// for the write lock here, asynchronously and in order, before BEGIN IMMEDIATE. On PostgreSQL the gate is open:
/// row locks do the ordering there. Writers in other processes (the operator CLI) still meet SQLite's own lock,
/// which <see cref="SqliteBusyTimeout"/> turns into a short native wait instead of the 150 ms polling.
/// </summary>
public sealed class SqliteWriteGate(IConfiguration config, ILogger<SqliteWriteGate> log)
{
    private readonly SemaphoreSlim? _gate = DatabaseSetup.Provider(config) == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    /// <summary>A writer that cannot get the gate in this time goes on without it (SQLite's lock still protects the data).</summary>
    private readonly TimeSpan _wait = TimeSpan.FromSeconds(config.GetValue("Database:WriteGateWaitSeconds", 30.0));

    /// <summary>Begins a write transaction on <paramref name="db"/>, first queueing for the gate on SQLite.</summary>
    public async Task<WriteTransaction> BeginAsync(InexopayDb db, CancellationToken ct)
    {
        var held = false;
        if (_gate is not null)
        {
            held = await _gate.WaitAsync(_wait, ct);
            if (!held) log.LogWarning("Waited {Seconds}s for the SQLite write gate; going on without it.", _wait.TotalSeconds);
        }
        try
        {
            return new WriteTransaction(await db.Database.BeginTransactionAsync(ct), held ? _gate : null);
        }
        catch
        {
            if (held) _gate!.Release();
            throw;
        }
    }
}

/// <summary>A transaction that gives the write gate back once it is committed or disposed (rolled back).</summary>
public sealed class WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim? gate) : IAsyncDisposable
{
    private SemaphoreSlim? _gate = gate;

    public IDbContextTransaction Transaction => transaction;

    public async Task CommitAsync(CancellationToken ct = default)
    {
        try
        {
            await transaction.CommitAsync(ct);
        }
        finally
        {
            Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            Release();
        }
    }

    private void Release() => Interlocked.Exchange(ref _gate, null)?.Release();
}

/// <summary>
/// Sets SQLite's own busy timeout on every connection, so a statement that meets another process's write lock waits
/// inside SQLite (sleeping a millisecond or a few at a time) rather than in Microsoft.Data.Sqlite's 150 ms retry loop.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } sqlite)
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Math.Max(1, sqlite.DefaultTimeout) * 1000);
    }
}
