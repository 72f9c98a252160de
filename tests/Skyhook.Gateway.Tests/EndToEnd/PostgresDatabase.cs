using System.Data.Common;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// A database of its own on the PostgreSQL server named by SKYHOOK_TEST_POSTGRES (an Npgsql
/// connection string whose user may create databases), made and dropped with psql (this project
/// does not reference Npgsql): the shared store of the HA bed's controller replicas.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _server;

    private PostgresDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new DbConnectionStringBuilder { ConnectionString = server }.With("Database", name);
    }

    public string Name { get; }

    /// <summary>The server's connection string with this database in it, for <c>Storage__ConnectionString</c>.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync(string server, CancellationToken cancellationToken)
    {
        // A name made here, never typed by anyone: letters, digits and _.
        var database = new PostgresDatabase(server, "skyhook_ha_" + Guid.NewGuid().ToString("N"));
        await database.PsqlAsync($"CREATE DATABASE {database.Name}", cancellationToken);
        return database;
    }

    public async ValueTask DisposeAsync() =>
        await PsqlAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);

    private async Task PsqlAsync(string statement, CancellationToken cancellationToken)
    {
        var server = new DbConnectionStringBuilder { ConnectionString = _server };
        string Part(string key, string fallback) => server.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? text : fallback;
        await new ProcessRunner().RunAsync(
            new ProcessSpec("psql",
                ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-h", Part("Host", "127.0.0.1"), "-p", Part("Port", "5432"), "-U", Part("Username", "postgres"), "-d", "postgres", "-c", statement])
            {
                Timeout = TimeSpan.FromSeconds(60),
            },
            cancellationToken);
    }
}

internal static class ConnectionStrings
{
    /// <summary>The connection string with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public static string With(this DbConnectionStringBuilder builder, string key, string value)
    {
        builder[key] = value;
        return builder.ConnectionString;
    }
}
