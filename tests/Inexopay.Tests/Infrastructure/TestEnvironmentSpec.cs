using Npgsql;

namespace Inexopay.Tests.Infrastructure;

/// <summary>Makes the PostgreSQL coverage visible: skipped locally with the reason, a hard failure on CI when missing.</summary>
public sealed class TestEnvironmentSpec
{
    [PostgresFact]
    public async Task PostgreSQL_server_for_the_provider_cases_is_reachable()
    {
        var server = TestDatabases.PostgresServer;
        Assert.True(server is not null, "CI=true but INEXOPAY_TEST_POSTGRES is not set; .ci/run must start PostgreSQL and export it.");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }
}
