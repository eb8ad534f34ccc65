using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Inexopay.Server.Storage.Migrations;

/// <summary>
/// The database itself refuses what the code never does: changing or deleting a ledger entry, and a wallet balance
/// below zero. Triggers on both providers (written per provider), so the schema's tables, columns, keys and indexes
/// stay exactly what the model describes.
/// </summary>
[DbContext(typeof(InexopayDb))]
[Migration("20261122004000_LedgerGuards")]
public sealed class LedgerGuards : Migration
{
    private const string Immutable = "ledger entries are immutable: post a new entry instead";
    private const string Negative = "a wallet balance cannot go below zero";

    protected override void Up(MigrationBuilder m)
    {
        if (m.IsSqlite())
        {
            m.Sql($"""
                CREATE TRIGGER "TR_LedgerEntries_NoUpdate" BEFORE UPDATE ON "LedgerEntries"
                BEGIN SELECT RAISE(ABORT, '{Immutable}'); END;
                """);
            m.Sql($"""
                CREATE TRIGGER "TR_LedgerEntries_NoDelete" BEFORE DELETE ON "LedgerEntries"
                BEGIN SELECT RAISE(ABORT, '{Immutable}'); END;
                """);
            m.Sql($"""
                CREATE TRIGGER "TR_Wallets_NotNegative" BEFORE UPDATE OF "BalancePaise" ON "Wallets"
                WHEN NEW."BalancePaise" < 0 BEGIN SELECT RAISE(ABORT, '{Negative}'); END;
                """);
            return;
        }

        m.Sql($"""
            CREATE FUNCTION "LedgerEntries_Immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{Immutable}'; END $$;
            """);
        m.Sql("""
            CREATE TRIGGER "TR_LedgerEntries_Immutable" BEFORE UPDATE OR DELETE ON "LedgerEntries"
            FOR EACH ROW EXECUTE FUNCTION "LedgerEntries_Immutable"();
            """);
        // A trigger rather than a CHECK constraint: the model declares no constraints, and the schema stays what the
        // model describes (tables, columns, keys, indexes) on both providers.
        m.Sql($"""
            CREATE FUNCTION "Wallets_NotNegative"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{Negative}'; END $$;
            """);
        m.Sql("""
            CREATE TRIGGER "TR_Wallets_NotNegative" BEFORE UPDATE OF "BalancePaise" ON "Wallets"
            FOR EACH ROW WHEN (NEW."BalancePaise" < 0) EXECUTE FUNCTION "Wallets_NotNegative"();
            """);
    }

    protected override void Down(MigrationBuilder m)
    {
        if (m.IsSqlite())
        {
            m.Sql("""DROP TRIGGER "TR_LedgerEntries_NoUpdate";""");
            m.Sql("""DROP TRIGGER "TR_LedgerEntries_NoDelete";""");
            m.Sql("""DROP TRIGGER "TR_Wallets_NotNegative";""");
            return;
        }
        m.Sql("""DROP TRIGGER "TR_Wallets_NotNegative" ON "Wallets";""");
        m.Sql("""DROP FUNCTION "Wallets_NotNegative"();""");
        m.Sql("""DROP TRIGGER "TR_LedgerEntries_Immutable" ON "LedgerEntries";""");
        m.Sql("""DROP FUNCTION "LedgerEntries_Immutable"();""");
    }
}
