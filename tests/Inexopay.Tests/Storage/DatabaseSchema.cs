using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Storage;

/// <summary>
/// What a database really contains, read from the database itself (PRAGMA on SQLite, information_schema and
/// pg_catalog on PostgreSQL) as one line per fact: tables, columns with store type, nullability, default and
/// identity, primary keys, indexes with uniqueness and column order, foreign keys with delete behaviour.
/// EF's own bookkeeping tables (__EFMigrationsHistory, __EFMigrationsLock) are left out.
/// </summary>
public static partial class DatabaseSchema
{
    public static async Task<SortedSet<string>> ReadAsync(InexopayDb db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            return db.Database.IsNpgsql() ? await ReadPostgresAsync(connection) : await ReadSqliteAsync(connection);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Lines only <paramref name="expected"/> has ("- …") and lines only <paramref name="actual"/> has ("+ …").</summary>
    public static List<string> Differences(IReadOnlySet<string> expected, IReadOnlySet<string> actual) =>
        expected.Except(actual).Select(l => "- " + l).Concat(actual.Except(expected).Select(l => "+ " + l)).ToList();

    private static async Task<SortedSet<string>> ReadSqliteAsync(DbConnection c)
    {
        var schema = new SortedSet<string>(StringComparer.Ordinal);
        var tables = await QueryAsync(c, """
            SELECT name, sql FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE '!_!_EF%' ESCAPE '!'
            """);
        foreach (var table in tables)
        {
            var name = (string)table[0]!;
            var sql = (string)table[1]!;
            schema.Add($"table {name}");

            var pk = new SortedDictionary<long, string>();
            foreach (var col in await QueryAsync(c, $"PRAGMA table_info(\"{name}\")"))
            {
                var column = (string)col[1]!;
                var autoincrement = Regex.IsMatch(sql, $"\"{Regex.Escape(column)}\" INTEGER NOT NULL CONSTRAINT \"[^\"]+\" PRIMARY KEY AUTOINCREMENT");
                schema.Add($"column {name}.{column} {col[2]} {(Convert.ToInt64(col[3], CultureInfo.InvariantCulture) == 1 ? "not null" : "null")}"
                           + (col[4] is null ? "" : $" default {col[4]}") + (autoincrement ? " autoincrement" : ""));
                if (Convert.ToInt64(col[5], CultureInfo.InvariantCulture) > 0) pk[Convert.ToInt64(col[5], CultureInfo.InvariantCulture)] = column;
            }
            var pkName = PrimaryKeyName().Match(sql) is { Success: true } m ? m.Groups[1].Value : "(unnamed)";
            if (pk.Count > 0) schema.Add($"primary key {name} {pkName} ({string.Join(", ", pk.Values)})");

            foreach (var index in await QueryAsync(c, $"PRAGMA index_list(\"{name}\")"))
            {
                var origin = (string)index[3]!;
                if (origin == "pk") continue; // the primary key, listed above
                var indexName = (string)index[1]!;
                var columns = (await QueryAsync(c, $"PRAGMA index_info(\"{indexName}\")")).OrderBy(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).Select(r => (string)r[2]!);
                var where = Convert.ToInt64(index[4], CultureInfo.InvariantCulture) == 1 ? " partial" : "";
                schema.Add($"index {name} {indexName} {(Convert.ToInt64(index[2], CultureInfo.InvariantCulture) == 1 ? "unique" : "non-unique")} ({string.Join(", ", columns)}){where}");
            }

            var fkNames = ForeignKeyName().Matches(sql).ToDictionary(f => f.Groups[2].Value, f => f.Groups[1].Value);
            foreach (var fk in (await QueryAsync(c, $"PRAGMA foreign_key_list(\"{name}\")")).GroupBy(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)))
            {
                var rows = fk.OrderBy(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture)).ToList();
                var from = rows.Select(r => (string)r[3]!).ToList();
                var fkName = from.Count == 1 && fkNames.TryGetValue(from[0], out var n) ? n : "(unnamed)";
                schema.Add($"foreign key {name} {fkName} ({string.Join(", ", from)}) -> {rows[0][2]} ({string.Join(", ", rows.Select(r => r[4]))}) on delete {((string)rows[0][6]!).ToLowerInvariant()}");
            }
        }
        return schema;
    }

    private static async Task<SortedSet<string>> ReadPostgresAsync(DbConnection c)
    {
        var schema = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in await QueryAsync(c, """
                     SELECT table_name FROM information_schema.tables
                     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '!_!_EF%' ESCAPE '!'
                     """))
            schema.Add($"table {t[0]}");

        foreach (var col in await QueryAsync(c, """
                     SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod), c.is_nullable, c.column_default,
                            c.is_identity, c.identity_generation
                     FROM information_schema.columns c
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
                     WHERE c.table_schema = 'public' AND c.table_name NOT LIKE '!_!_EF%' ESCAPE '!'
                     """))
            schema.Add($"column {col[0]}.{col[1]} {col[2]} {((string)col[3]! == "NO" ? "not null" : "null")}"
                       + (col[4] is null ? "" : $" default {col[4]}") + ((string)col[5]! == "YES" ? $" identity {col[6]}".ToLowerInvariant() : ""));

        const string Columns = """
            array_to_string(ARRAY(SELECT a.attname FROM unnest({0}) WITH ORDINALITY u(attnum, ord)
                                  JOIN pg_catalog.pg_attribute a ON a.attrelid = {1} AND a.attnum = u.attnum ORDER BY u.ord), ', ')
            """;
        foreach (var index in await QueryAsync(c, $"""
                     SELECT t.relname, i.relname, x.indisunique, {string.Format(CultureInfo.InvariantCulture, Columns, "x.indkey", "t.oid")},
                            pg_get_expr(x.indpred, x.indrelid)
                     FROM pg_catalog.pg_index x
                     JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                     JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
                     JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                     WHERE n.nspname = 'public' AND NOT x.indisprimary AND t.relname NOT LIKE '!_!_EF%' ESCAPE '!'
                     """))
            schema.Add($"index {index[0]} {index[1]} {((bool)index[2]! ? "unique" : "non-unique")} ({index[3]})" + (index[4] is null ? "" : " partial"));

        foreach (var con in await QueryAsync(c, $"""
                     SELECT t.relname, k.conname, k.contype, {string.Format(CultureInfo.InvariantCulture, Columns, "k.conkey", "k.conrelid")},
                            f.relname, {string.Format(CultureInfo.InvariantCulture, Columns, "k.confkey", "k.confrelid")}, k.confdeltype
                     FROM pg_catalog.pg_constraint k
                     JOIN pg_catalog.pg_class t ON t.oid = k.conrelid
                     JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                     LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
                     WHERE n.nspname = 'public' AND k.contype IN ('p', 'f', 'u', 'c') AND t.relname NOT LIKE '!_!_EF%' ESCAPE '!'
                     """))
        {
            var type = Convert.ToChar(con[2], CultureInfo.InvariantCulture);
            schema.Add(type switch
            {
                'p' => $"primary key {con[0]} {con[1]} ({con[3]})",
                'f' => $"foreign key {con[0]} {con[1]} ({con[3]}) -> {con[4]} ({con[5]}) on delete {DeleteRule(Convert.ToChar(con[6], CultureInfo.InvariantCulture))}",
                _ => $"constraint {con[0]} {con[1]} {type} ({con[3]})",
            });
        }
        return schema;
    }

    /// <summary>pg_constraint.confdeltype, in the words SQLite's PRAGMA uses.</summary>
    private static string DeleteRule(char code) => code switch
    {
        'a' => "no action",
        'r' => "restrict",
        'c' => "cascade",
        'n' => "set null",
        'd' => "set default",
        _ => "unknown " + code,
    };

    private static async Task<List<object?[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [GeneratedRegex("CONSTRAINT \"([^\"]+)\" PRIMARY KEY")]
    private static partial Regex PrimaryKeyName();

    [GeneratedRegex("CONSTRAINT \"([^\"]+)\" FOREIGN KEY \\(\"([^\"]+)\"\\)")]
    private static partial Regex ForeignKeyName();
}
