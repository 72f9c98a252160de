using Npgsql;

namespace Skyhook.Controller.Tests;

/// <summary>
/// The controller on a real PostgreSQL server named by <c>SKYHOOK_TEST_POSTGRES</c> (an Npgsql
/// connection string whose user may create databases). Each fixture creates a database of its own
/// and drops it afterwards. Without the variable the tests skip, or fail under CI (./test.sh sets it).
/// </summary>
public sealed class PostgresControllerFixture() : ControllerFixture(Configure())
{
    public const string Variable = "SKYHOOK_TEST_POSTGRES";

    private static readonly string? Server = Environment.GetEnvironmentVariable(Variable);

    public override string? Unavailable => string.IsNullOrWhiteSpace(Server)
        ? $"{Variable} is not set; it names the PostgreSQL server for these tests."
        : null;

    public override async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Unavailable is not null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string DatabaseName { get; } = "skyhook_test_" + Guid.NewGuid().ToString("N");

    private static ControllerDatabase Configure() => string.IsNullOrWhiteSpace(Server)
        ? new ControllerDatabase("postgres", null)
        : new ControllerDatabase("postgres", new NpgsqlConnectionStringBuilder(Server) { Database = DatabaseName }.ConnectionString);
}
