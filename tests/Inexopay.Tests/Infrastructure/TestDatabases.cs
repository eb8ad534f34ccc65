using Npgsql;

namespace Inexopay.Tests.Infrastructure;

/// <summary>
/// Which databases the integration tests run on. SQLite always. PostgreSQL when INEXOPAY_TEST_POSTGRES holds a
/// server connection string (.ci/run sets it); without one the PostgreSQL cases are left out locally with a
/// printed reason, but under CI=true they stay in and fail, so CI can never skip them silently.
/// </summary>
public static class TestDatabases
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static string? PostgresServer => Environment.GetEnvironmentVariable("INEXOPAY_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static int _reasonPrinted;

    /// <summary>Theory data: every provider the tests must cover in this environment.</summary>
    public static IEnumerable<object[]> Providers
    {
        get
        {
            yield return [Sqlite];
            if (PostgresServer is not null || IsCi) yield return [Postgres];
            else if (Interlocked.Exchange(ref _reasonPrinted, 1) == 0)
                Console.WriteLine("NOTE: PostgreSQL test cases skipped: INEXOPAY_TEST_POSTGRES is not set (CI=true runs them; see .ci/run).");
        }
    }

    /// <summary>Configuration for a fresh, empty database of the provider.</summary>
    public static Dictionary<string, string?> Fresh(string provider)
    {
        if (provider == Sqlite)
        {
            var dir = Path.Combine(Path.GetTempPath(), "inexopay-tests");
            Directory.CreateDirectory(dir);
            return new()
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(dir, Guid.NewGuid().ToString("N"))}.db",
            };
        }

        var server = PostgresServer ?? throw new InvalidOperationException(
            "CI=true but INEXOPAY_TEST_POSTGRES is not set: the PostgreSQL tests cannot run. .ci/run must start PostgreSQL and export it.");
        var name = "ixp_" + Guid.NewGuid().ToString("N")[..16];
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name}";
            create.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 50 };
        return new() { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Default"] = builder.ToString() };
    }
}
