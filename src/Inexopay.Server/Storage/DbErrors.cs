using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Inexopay.Server.Storage;

public static class DbErrors
{
    /// <summary>True when the save failed on a unique index (a duplicate order id, agent PAN, …), on either provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>
    /// True when the exception (or one it wraps) says the database cannot be used right now — unreachable, refusing
    /// connections, out of resources, shutting down, locked, its file gone or unwritable — rather than that our SQL or
    /// data is wrong. Such a request is answered 503 (retry later), not 500.
    /// </summary>
    public static bool IsUnavailable(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            switch (inner)
            {
                case PostgresException p:
                    return p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || p.SqlState.StartsWith("53", StringComparison.Ordinal)                   // insufficient resources
                        || p.SqlState.StartsWith("57P", StringComparison.Ordinal)                  // shutdown, cannot connect now
                        || p.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.ObjectNotInPrerequisiteState;
                case NpgsqlException:
                    return true; // not a server error: the connection itself failed (refused, reset, timed out, pool exhausted)
                case SqliteException s:
                    // BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB
                    return s.SqliteErrorCode is 5 or 6 or 7 or 8 or 10 or 11 or 13 or 14 or 15 or 26;
                case DbException:
                    return false;
            }
        return false;
    }
}
