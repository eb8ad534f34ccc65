using System.Threading.Channels;
using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Inexopay.Server.Orders;

/// <summary>
/// Group commit for SQLite. SQLite runs one write transaction at a time, and each commit appends every page it touched
/// to the log; one order touches about ten pages (the order, the wallet, the ledger entry, their indexes), mostly the
/// same ten as the order before it. So the pipeline's calls queue here, and a single writer runs whatever has queued
/// up (at most <see cref="MaxBatch"/>) in one transaction, each call in its own savepoint: a call that fails or is
/// refused (duplicate id, insufficient balance) is rolled back to its savepoint alone. Every call's result is handed
/// back only after the commit, so nothing is acknowledged before it is durable; if the commit fails, every call in
/// the batch fails. Under load this turns hundreds of small commits a second into a few dozen larger ones; alone, a
/// call is a batch of one. Off on PostgreSQL (row locks let transactions run side by side there) and when
/// <c>Database:GroupCommit</c> is false.
/// </summary>
public sealed class SqliteOrderWriter : IAsyncDisposable
{
    public const int MaxBatch = 64;

    private readonly IServiceScopeFactory _scopes;
    private readonly SqliteWriteGate _gate;
    private readonly ILogger<SqliteOrderWriter> _log;
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _loop;

    /// <summary>Set while a service's step runs inside a pipeline transaction.</summary>
    private static readonly AsyncLocal<bool> InsideStep = new();

    public SqliteOrderWriter(IServiceScopeFactory scopes, SqliteWriteGate gate, IConfiguration config, ILogger<SqliteOrderWriter> log)
    {
        _scopes = scopes;
        _gate = gate;
        _log = log;
        Enabled = DatabaseSetup.Provider(config) == DatabaseProvider.Sqlite && config.GetValue("Database:GroupCommit", true);
        _loop = new Lazy<Task>(() => Task.Run(LoopAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool Enabled { get; }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch and returns its result once the batch has committed.
    /// Keep = false rolls the work back (to its savepoint) but still returns its result.
    /// </summary>
    public Task<T> RunAsync<T>(Func<InexopayDb, IDbContextTransaction, Task<(T Result, bool Keep)>> work, CancellationToken ct)
    {
        _ = _loop.Value;
        var job = new Job<T>(work, ct);
        if (!_queue.Writer.TryWrite(job)) throw new ObjectDisposedException(nameof(SqliteOrderWriter));
        return job.Task;
    }

    /// <summary>A step must not call the pipeline: its transaction is the one still open around it.</summary>
    public static void ThrowIfInsideAStep()
    {
        if (InsideStep.Value)
            throw new InvalidOperationException("A service's inSameTransaction step cannot place or complete orders: it runs inside that transaction.");
    }

    internal static async Task RunStepAsync(Func<InexopayDb, Order, Task> step, InexopayDb db, Order order)
    {
        InsideStep.Value = true;
        try
        {
            await step(db, order);
        }
        finally
        {
            InsideStep.Value = false;
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<Job>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var job)) batch.Add(job);
            try
            {
                await RunBatchAsync(batch);
            }
            catch (Exception e)
            {
                // Opening, BEGIN, a savepoint or COMMIT failed: nothing of the batch is durable, so every call in it
                // fails (those already answered keep their answer: TrySet). The loop goes on with the next batch.
                _log.LogError(e, "A batch of {Count} order writes failed", batch.Count);
                foreach (var job in batch) job.Fail(e);
            }
        }
    }

    private async Task RunBatchAsync(List<Job> batch)
    {
        await using var turn = await _gate.EnterAsync(CancellationToken.None);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();
        db.Database.AutoSavepointsEnabled = false;
        var done = new List<Job>(batch.Count);
        // A job that failed is answered after the commit too: its failure may come from a row an earlier job of the
        // same batch wrote (a unique index), which the caller must be able to read once it hears back.
        var failed = new List<(Job Job, Exception Error)>();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var job in batch)
            {
                if (job.CancellationRequested)
                {
                    job.Cancel();
                    continue;
                }
                await Sql.ExecuteAsync(db, transaction, "SAVEPOINT \"order\"", CancellationToken.None);
                bool keep;
                try
                {
                    keep = await job.RunAsync(db, transaction);
                }
                catch (Exception e)
                {
                    await Sql.ExecuteAsync(db, transaction, "ROLLBACK TO \"order\"; RELEASE \"order\"", CancellationToken.None);
                    db.ChangeTracker.Clear();
                    failed.Add((job, e));
                    continue;
                }
                await Sql.ExecuteAsync(db, transaction, keep ? "RELEASE \"order\"" : "ROLLBACK TO \"order\"; RELEASE \"order\"", CancellationToken.None);
                db.ChangeTracker.Clear();
                done.Add(job);
            }
            await transaction.CommitAsync();
            // Durable now: answer at once (before giving the connection back, which could still throw).
            foreach (var job in done) job.Complete();
            foreach (var (job, error) in failed) job.Fail(error);
        }
        finally
        {
            db.ChangeTracker.Clear();
            await db.Database.CloseConnectionAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated) await _loop.Value;
    }

    private abstract class Job(CancellationToken ct)
    {
        public bool CancellationRequested => ct.IsCancellationRequested;
        public abstract Task<bool> RunAsync(InexopayDb db, IDbContextTransaction transaction);
        public abstract void Complete();
        public abstract void Fail(Exception e);
        public abstract void Cancel();
        protected CancellationToken Token => ct;
    }

    private sealed class Job<T>(Func<InexopayDb, IDbContextTransaction, Task<(T Result, bool Keep)>> work, CancellationToken ct) : Job(ct)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override async Task<bool> RunAsync(InexopayDb db, IDbContextTransaction transaction)
        {
            var (result, keep) = await work(db, transaction);
            _result = result;
            return keep;
        }

        public override void Complete() => _done.TrySetResult(_result!);
        public override void Fail(Exception e) => _done.TrySetException(e);
        public override void Cancel() => _done.TrySetCanceled(Token);
    }
}
