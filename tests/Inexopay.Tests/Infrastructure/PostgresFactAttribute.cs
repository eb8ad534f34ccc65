namespace Inexopay.Tests.Infrastructure;

/// <summary>
/// A fact that needs PostgreSQL. Without INEXOPAY_TEST_POSTGRES it is reported as skipped with the reason — but
/// only locally: under CI=true it runs and fails, so CI can never pass without PostgreSQL.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabases.PostgresServer is null && !TestDatabases.IsCi)
            Skip = NoPostgresReason;
    }

    public const string NoPostgresReason =
        "PostgreSQL not configured: set INEXOPAY_TEST_POSTGRES (e.g. Host=127.0.0.1;Username=postgres;Password=postgres); every PostgreSQL theory case is left out too. CI=true runs them.";
}
