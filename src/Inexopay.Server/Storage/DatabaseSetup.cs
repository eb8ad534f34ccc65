using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Inexopay.Server.Storage;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Chooses the provider from configuration (<c>Database:Provider</c>, <c>ConnectionStrings:Default</c>).</summary>
public static class DatabaseSetup
{
    public const string DefaultSqlitePath = "data/inexopay.db";

    public static DatabaseProvider Provider(IConfiguration config) =>
        string.Equals(config["Database:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static void AddInexopayDb(this IServiceCollection services)
    {
        // Read configuration when the first context is made, not now: hosts (and tests) may still be adding sources.
        services.AddPooledDbContextFactory<InexopayDb>((sp, o) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var provider = Provider(configuration);
            Configure(o, provider, ConnectionString(configuration, provider));
        }, poolSize: 256);
        // Request handlers take a scoped context; background work creates its own from the factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<InexopayDb>>().CreateDbContext());
    }

    public static DbContextOptions<InexopayDb> Options(IConfiguration config)
    {
        var provider = Provider(config);
        var builder = new DbContextOptionsBuilder<InexopayDb>();
        Configure(builder, provider, ConnectionString(config, provider));
        return builder.Options;
    }

    public static string ConnectionString(IConfiguration config, DatabaseProvider provider)
    {
        var configured = config.GetConnectionString("Default");
        if (provider == DatabaseProvider.Postgres)
            return string.IsNullOrWhiteSpace(configured)
                ? throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Default is not set.")
                : configured;

        var sqlite = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={DefaultSqlitePath}" : configured);
        var directory = Path.GetDirectoryName(Path.GetFullPath(sqlite.DataSource));
        if (!string.IsNullOrEmpty(directory) && sqlite.Mode != SqliteOpenMode.Memory) Directory.CreateDirectory(directory);
        return sqlite.ToString();
    }

    private static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
            options.UseNpgsql(connectionString);
        else
            options.UseSqlite(connectionString).AddInterceptors(SqlitePragmas.Instance);
        options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    /// <summary>
    /// WAL lets readers run beside the single writer; synchronous=NORMAL in WAL mode keeps every commit across a
    /// process crash (kill -9) and only risks the last commits on power loss.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
            command.ExecuteNonQuery();
        }
    }
}
