using System.Data.Common;
using System.Runtime.CompilerServices;
using Inexopay.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Inexopay.Server.Features.Wallet;

/// <summary>
/// The only code that changes a balance. Each posting is one conditional UPDATE (which also takes the row lock
/// on PostgreSQL and the write lock on SQLite) plus one immutable ledger row carrying the balance after it, so
/// balance = sum of entries holds at every commit and a balance can never go below zero. Because the row is
/// written while the wallet's lock is held, a wallet's entries are numbered in the order they were applied, and the
/// newest entry's balance-after is the balance (<see cref="WalletAdmin.VerifyAsync"/> checks both).
/// <para>
/// Call it inside the caller's transaction. The statements are plain ADO.NET on the context's own connection and
/// transaction: this is the hottest write path of the platform, and the SQL (valid on SQLite and PostgreSQL alike)
/// costs a fraction of building it through EF's change tracker. The entry returned is not tracked.
/// </para>
/// </summary>
public static class Ledger
{
    /// <summary>Posts <paramref name="amountPaise"/> (negative for a debit); null when the wallet cannot cover it.</summary>
    public static async Task<LedgerEntry?> PostAsync(InexopayDb db, long walletId, LedgerKind kind, long amountPaise, DateTime now,
        string? reason = null, long? orderId = null, long? reversesEntryId = null, CancellationToken ct = default)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Ledger.PostAsync must run inside a transaction: the balance and its entry change together.");
        var balance = await Sql.ScalarAsync<long>(db, transaction,
            """UPDATE "Wallets" SET "BalancePaise" = "BalancePaise" + @amount WHERE "Id" = @wallet AND "BalancePaise" + @amount >= 0 RETURNING "BalancePaise" """,
            ct, ("amount", amountPaise), ("wallet", walletId));
        if (balance is not { } after) return null;

        var entry = new LedgerEntry
        {
            WalletId = walletId,
            Kind = kind,
            AmountPaise = amountPaise,
            BalanceAfterPaise = after,
            OrderId = orderId,
            ReversesEntryId = reversesEntryId,
            Reason = reason,
            CreatedAt = now,
        };
        entry.Id = (await Sql.ScalarAsync<long>(db, transaction,
            """
            INSERT INTO "LedgerEntries" ("WalletId", "Kind", "AmountPaise", "BalanceAfterPaise", "OrderId", "ReversesEntryId", "Reason", "CreatedAt")
            VALUES (@wallet, @kind, @amount, @after, @order, @reverses, @reason, @now) RETURNING "Id"
            """,
            ct, ("wallet", walletId), ("kind", kind.ToString()), ("amount", amountPaise), ("after", after), ("order", orderId),
            ("reverses", reversesEntryId), ("reason", reason), ("now", now)))!.Value;
        return entry;
    }

    /// <summary>
    /// The balance now, never cached. balance.php and check_status.php ask on every call, so outside a transaction
    /// this is one indexed read on a plain pooled connection: opening the context's own SQLite connection would also
    /// run the write pragmas of EF's interceptors and register (then drop) EF's dozen SQL functions, several times
    /// the cost of the read itself.
    /// </summary>
    public static async Task<long> BalanceAsync(InexopayDb db, long walletId, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var openHere = connection.State != System.Data.ConnectionState.Open;
        if (openHere && connection is SqliteConnection) connection = new SqliteConnection(db.Database.GetConnectionString());
        if (openHere) await connection.OpenAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "BalancePaise" FROM "Wallets" WHERE "Id" = @wallet""";
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@wallet";
            parameter.Value = walletId;
            command.Parameters.Add(parameter);
            return await command.ExecuteScalarAsync(ct) is { } value and not DBNull
                ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"Wallet {walletId} does not exist.");
        }
        finally
        {
            if (openHere) await connection.CloseAsync();
            if (openHere && connection is SqliteConnection plain && !ReferenceEquals(plain, db.Database.GetDbConnection())) await plain.DisposeAsync();
        }
    }
}

/// <summary>
/// A compiled query binds to the first model it runs against; one process can hold two (the tests run SQLite and
/// PostgreSQL side by side), so each model gets its own compilation.
/// </summary>
public sealed class CompiledPerModel<T>(Func<T> compile) where T : class
{
    private readonly ConditionalWeakTable<IModel, T> _byModel = new();

    public T For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}

/// <summary>
/// Hand-written statements for the money path, on the context's connection (opened if needed) and the given
/// transaction. Values bind as EF binds them: enums by name, times as UTC, booleans as the provider's boolean.
/// </summary>
internal static class Sql
{
    public static async Task<T?> ScalarAsync<T>(InexopayDb db, IDbContextTransaction? transaction, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters) where T : struct
    {
        await using var command = Command(db, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || await reader.IsDBNullAsync(0, ct)) return null;
        return reader.GetFieldValue<T>(0);
    }

    public static async Task<int> ExecuteAsync(InexopayDb db, IDbContextTransaction? transaction, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(db, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(InexopayDb db, IDbContextTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            throw new InvalidOperationException("Open the connection (or begin the transaction) before running money statements.");
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction?.GetDbTransaction();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A unique index refused the row (a duplicate order id, a second refund of a charge), on either provider.</summary>
    public static bool IsUniqueViolation(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        DbUpdateException u => u.InnerException is not null && IsUniqueViolation(u.InnerException),
        _ => false,
    };
}
