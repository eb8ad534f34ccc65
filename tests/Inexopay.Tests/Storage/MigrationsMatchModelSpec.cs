using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Inexopay.Tests.Storage;

/// <summary>
/// The hand-written migrations and model snapshot describe exactly the schema the model needs, on both providers:
/// EF finds no pending model change, and a database built by the migrations is identical (tables, columns, keys,
/// indexes, foreign keys) to one built straight from the model. Both checks are shown to fail on a drifted model.
/// </summary>
public sealed class MigrationsMatchModelSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task The_snapshot_has_no_pending_model_changes(string provider)
    {
        await using var scratch = ScratchDatabase.Create(provider);
        await using var db = scratch.Context();

        Assert.True(db.Database.GetMigrations().Any(), "no migrations found");
        var pending = PendingOperations(db);
        Assert.False(db.Database.HasPendingModelChanges(), "snapshot differs from the model:\n" + string.Join('\n', pending));
        Assert.Empty(pending);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_model_change_without_a_migration_is_a_pending_change_and_stops_migrate(string provider)
    {
        await using var scratch = ScratchDatabase.Create(provider);
        await using var db = scratch.DriftedContext();

        Assert.True(db.Database.HasPendingModelChanges());
        var operation = Assert.Single(PendingOperations(db));
        Assert.Equal("add column Resellers.Nickname", operation);
        // This is what keeps a server with a forgotten migration from starting (Bootstrap.MigrateAsync).
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Database.MigrateAsync());
        Assert.Contains("pending changes", error.Message);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Migrations_build_the_same_schema_as_the_model(string provider)
    {
        await using var migrated = ScratchDatabase.Create(provider);
        await using var created = ScratchDatabase.Create(provider);
        await using (var db = migrated.Context()) await db.Database.MigrateAsync();
        await using (var db = created.Context()) Assert.True(await db.Database.EnsureCreatedAsync());

        var fromMigrations = await ReadSchemaAsync(migrated);
        var fromModel = await ReadSchemaAsync(created);

        Assert.True(DatabaseSchema.Differences(fromModel, fromMigrations) is [], "schema differs (- model only, + migrations only):\n"
            + string.Join('\n', DatabaseSchema.Differences(fromModel, fromMigrations)));
        // Guard against comparing two empty or half-read schemas.
        Assert.Equal(16, fromMigrations.Count(l => l.StartsWith("table ", StringComparison.Ordinal)));
        Assert.Contains(fromMigrations, l => l.StartsWith("index Resellers IX_Resellers_Username unique (Username)", StringComparison.Ordinal));
        Assert.Contains(fromMigrations, l => l.StartsWith("foreign key Resellers FK_Resellers_Plans_PlanId (PlanId) -> Plans (Id) on delete restrict", StringComparison.Ordinal));
        Assert.Contains(fromMigrations, l => l.StartsWith("primary key PanApplications PK_PanApplications (OrderId)", StringComparison.Ordinal));
        Assert.Contains(fromMigrations, l => l.StartsWith("column Wallets.BalancePaise", StringComparison.Ordinal) && l.Contains(" not null", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_schema_comparison_reports_a_column_the_migrations_do_not_create(string provider)
    {
        await using var migrated = ScratchDatabase.Create(provider);
        await using var created = ScratchDatabase.Create(provider);
        await using (var db = migrated.Context()) await db.Database.MigrateAsync();
        await using (var db = created.DriftedContext()) Assert.True(await db.Database.EnsureCreatedAsync());

        var differences = DatabaseSchema.Differences(await ReadSchemaAsync(created), await ReadSchemaAsync(migrated));

        var difference = Assert.Single(differences);
        Assert.StartsWith("- column Resellers.Nickname ", difference);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Migrating_an_empty_database_twice_applies_each_migration_once_and_keeps_data(string provider)
    {
        await using var scratch = ScratchDatabase.Create(provider);
        await using (var db = scratch.Context())
        {
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetPendingMigrationsAsync());
            await db.Database.MigrateAsync();
            db.Plans.Add(new Plan { Name = "Kept", PricePaise = 1_00, ValidityDays = 30, RateLimitPerMinute = 0, MaxBoundIps = 1 });
            await db.SaveChangesAsync();
        }
        var first = await ReadSchemaAsync(scratch);

        await using (var db = scratch.Context())
        {
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.Equal("Kept", Assert.Single(await db.Plans.Select(p => p.Name).ToListAsync()));
        }
        Assert.Equal(first, await ReadSchemaAsync(scratch));
    }

    private static async Task<SortedSet<string>> ReadSchemaAsync(ScratchDatabase scratch)
    {
        await using var db = scratch.Context();
        return await DatabaseSchema.ReadAsync(db);
    }

    /// <summary>What `dotnet ef migrations add` would put in a new migration: the snapshot compared with the model.</summary>
    private static List<string> PendingOperations(InexopayDb db)
    {
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot?.Model ?? throw new InvalidOperationException("no model snapshot");
        // HasPendingModelChanges finalizes the snapshot's (cached) model in place; finalize it here only if it has not.
        if (snapshot is IMutableModel mutable and AnnotatableBase { IsReadOnly: false }) snapshot = mutable.FinalizeModel();
        snapshot = db.GetService<IModelRuntimeInitializer>().Initialize(snapshot, designTime: true);
        var model = db.GetService<IDesignTimeModel>().Model;
        return db.GetService<IMigrationsModelDiffer>().GetDifferences(snapshot.GetRelationalModel(), model.GetRelationalModel())
            .Select(Describe).ToList();
    }

    private static string Describe(MigrationOperation op) => op switch
    {
        AddColumnOperation a => $"add column {a.Table}.{a.Name}",
        AlterColumnOperation a => $"alter column {a.Table}.{a.Name}: type {a.OldColumn.ColumnType ?? a.OldColumn.ClrType.Name} → {a.ColumnType ?? a.ClrType.Name}, "
                                  + $"nullable {a.OldColumn.IsNullable} → {a.IsNullable}, max length {a.OldColumn.MaxLength} → {a.MaxLength}, annotations "
                                  + $"[{string.Join(", ", a.OldColumn.GetAnnotations().Select(x => $"{x.Name}={x.Value}"))}] → [{string.Join(", ", a.GetAnnotations().Select(x => $"{x.Name}={x.Value}"))}]",
        DropColumnOperation d => $"drop column {d.Table}.{d.Name}",
        CreateIndexOperation c => $"create index {c.Name} on {c.Table} ({string.Join(", ", c.Columns)}){(c.IsUnique ? " unique" : "")}",
        DropIndexOperation d => $"drop index {d.Name} on {d.Table}",
        RenameIndexOperation r => $"rename index {r.Name} → {r.NewName} on {r.Table}",
        CreateTableOperation c => $"create table {c.Name}",
        DropTableOperation d => $"drop table {d.Name}",
        AddForeignKeyOperation f => $"add foreign key {f.Name} on {f.Table} ({string.Join(", ", f.Columns)}) on delete {f.OnDelete}",
        DropForeignKeyOperation f => $"drop foreign key {f.Name} on {f.Table}",
        AddPrimaryKeyOperation p => $"add primary key {p.Name} on {p.Table}",
        DropPrimaryKeyOperation p => $"drop primary key {p.Name} on {p.Table}",
        _ => op.GetType().Name + " " + string.Join(", ", op.GetAnnotations().Select(x => $"{x.Name}={x.Value}")),
    };
}
