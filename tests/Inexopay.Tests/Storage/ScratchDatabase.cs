using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Inexopay.Tests.Storage;

/// <summary>An empty database of one provider that these tests create contexts on directly, and drop afterwards.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private ScratchDatabase(string provider, Dictionary<string, string?> settings)
    {
        Provider = provider;
        Settings = settings;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        ConnectionString = settings["ConnectionStrings:Default"]!;
    }

    public string Provider { get; }

    /// <summary>Database:Provider and ConnectionStrings:Default, as the server and the CLI take them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IConfiguration Configuration { get; }

    public string ConnectionString { get; }

    public static ScratchDatabase Create(string provider) => new(provider, TestDatabases.Fresh(provider));

    /// <summary>A context exactly as the server configures it (same provider options and interceptors).</summary>
    public InexopayDb Context() => new(DatabaseSetup.Options(Configuration));

    /// <summary>
    /// A context whose model is the server's plus one column no migration creates (Resellers.Nickname): what the
    /// model looks like when someone changes an entity and forgets the migration.
    /// </summary>
    public InexopayDb DriftedContext()
    {
        var builder = new DbContextOptionsBuilder<InexopayDb>(DatabaseSetup.Options(Configuration));
        builder.ReplaceService<IModelCustomizer, DriftedModelCustomizer>();
        return new InexopayDb(builder.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == TestDatabases.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                if (File.Exists(file)) File.Delete(file);
            return;
        }
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestDatabases.PostgresServer);
        await admin.OpenAsync();
        await using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Runs the server's OnModelCreating, then adds the drift. Replacing a service gives these options their own
    /// internal service provider, so the drifted model is cached apart from the real one.
    /// </summary>
    private sealed class DriftedModelCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Reseller>().Property<string>("Nickname").HasMaxLength(32);
        }
    }
}
