using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Inexopay.Server.Storage.Migrations;

/// <summary>
/// The database itself refuses what the code never does: changing or deleting a ledger entry, and a wallet balance
/// below zero. Written per provider (SQLite has no ALTER TABLE … ADD CONSTRAINT, so triggers there), same effect.
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
        m.Sql("""ALTER TABLE "Wallets" ADD CONSTRAINT "CK_Wallets_BalanceNotNegative" CHECK ("BalancePaise" >= 0);""");
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
        m.Sql("""ALTER TABLE "Wallets" DROP CONSTRAINT "CK_Wallets_BalanceNotNegative";""");
        m.Sql("""DROP TRIGGER "TR_LedgerEntries_Immutable" ON "LedgerEntries";""");
        m.Sql("""DROP FUNCTION "LedgerEntries_Immutable"();""");
    }
}
