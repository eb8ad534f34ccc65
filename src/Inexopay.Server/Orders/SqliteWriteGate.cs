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
/// that starves the pool and turns a 0.2 ms charge into hundreds of milliseconds. This process's writers of money
/// therefore take turns here, asynchronously and in order, before BEGIN IMMEDIATE: the order writer
/// (<see cref="SqliteOrderWriter"/>, one turn per batch) and operator wallet actions. On PostgreSQL the gate is open:
/// row locks do the ordering there. Writers in other processes (the operator CLI) still meet SQLite's own lock,
/// which <see cref="SqliteConnectionSettings"/> turns into a short native wait instead of the 150 ms polling.
/// </summary>
public sealed class SqliteWriteGate(IConfiguration config, ILogger<SqliteWriteGate> log)
{
    private readonly SemaphoreSlim? _gate = DatabaseSetup.Provider(config) == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    /// <summary>A writer that cannot get the gate in this time goes on without it (SQLite's lock still protects the data).</summary>
    private readonly TimeSpan _wait = TimeSpan.FromSeconds(config.GetValue("Database:WriteGateWaitSeconds", 30.0));

    /// <summary>Waits for this process's turn to write (at once on PostgreSQL); disposing the turn ends it.</summary>
    public async Task<Turn> EnterAsync(CancellationToken ct)
    {
        if (_gate is null) return new Turn(null);
        if (await _gate.WaitAsync(_wait, ct)) return new Turn(_gate);
        log.LogWarning("Waited {Seconds}s for the SQLite write gate; going on without it.", _wait.TotalSeconds);
        return new Turn(null);
    }

    public sealed class Turn(SemaphoreSlim? gate) : IAsyncDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public ValueTask DisposeAsync()
        {
            Interlocked.Exchange(ref _gate, null)?.Release();
            return ValueTask.CompletedTask;
        }
    }

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
/// Per-connection SQLite settings, set through the native handle (no SQL to parse) on every open:
/// <list type="bullet">
/// <item>SQLite's own busy timeout, so a statement that meets another process's write lock waits inside SQLite
/// (sleeping a millisecond or a few at a time) rather than in Microsoft.Data.Sqlite's 150 ms retry loop;</item>
/// <item>a high WAL auto-checkpoint threshold: checkpoints (copying the log into the database and syncing it, several
/// milliseconds) would otherwise run inside whichever request commits the 1000th page, holding the write lock;
/// <see cref="SqliteCheckpointer"/> runs them in the background instead, and the threshold only backs it up.</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    /// <summary>About 40 MB of log: reached only if the background checkpointer cannot keep up or is not running.</summary>
    public const int AutoCheckpointPages = 10_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite) return;
        SQLitePCL.raw.sqlite3_busy_timeout(handle, Math.Max(1, sqlite.DefaultTimeout) * 1000);
        SQLitePCL.raw.sqlite3_wal_autocheckpoint(handle, AutoCheckpointPages);
    }
}

/// <summary>
/// Checkpoints the SQLite write-ahead log in the background (PASSIVE: never waits for, nor blocks, readers or the
/// writer), a few times a second while there is something to copy, so that commits on the request path only append
/// to the log. Does nothing on PostgreSQL.
/// </summary>
public sealed class SqliteCheckpointer(IConfiguration config, ILogger<SqliteCheckpointer> log) : BackgroundService
{
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(Math.Max(10, config.GetValue("Database:CheckpointIntervalMs", 100)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (DatabaseSetup.Provider(config) != DatabaseProvider.Sqlite) return;
        var connectionString = DatabaseSetup.ConnectionString(config, DatabaseProvider.Sqlite);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, stoppingToken);
                CheckpointOnce(connectionString);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "SQLite checkpoint failed; the next one will try again.");
            }
        }
    }

    /// <summary>Copies what the log holds into the database; returns the log frames it holds and has copied.</summary>
    public static (int LogFrames, int Copied) CheckpointOnce(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var rc = SQLitePCL.raw.sqlite3_wal_checkpoint_v2(connection.Handle, "main", SQLitePCL.raw.SQLITE_CHECKPOINT_PASSIVE,
            out var logFrames, out var copied);
        // BUSY only means a concurrent checkpoint (another process) holds the checkpoint lock.
        if (rc != SQLitePCL.raw.SQLITE_OK && rc != SQLitePCL.raw.SQLITE_BUSY)
            throw new SqliteException($"wal_checkpoint failed with code {rc}", rc);
        return (logFrames, copied);
    }
}
