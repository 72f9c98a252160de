using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Skyhook.Core.Contracts;

namespace Skyhook.Bench;

/// <summary>
/// The baseline of controller ingest: the same flow rows put into the controller's own database by a
/// bare loop, no HTTP, no validation, no locks of ingest's: per batch one transaction (PostgreSQL:
/// one multi-row INSERT; SQLite: a prepared single-row INSERT per row) into <c>bench_events</c>, a scratch table made as a copy of
/// <c>events</c> with its columns, indexes (the unique (gateway, sequence) one included) and foreign
/// key. The columns are the ones a flow sets (EventRows leaves the others null).
/// </summary>
public sealed class BareInsert(Func<DbConnection> connect, bool postgres)
{
    private const string Table = "bench_events";

    private static readonly string[] Columns =
    [
        "GatewayId", "GatewayName", "Sequence", "Kind", "AtMs", "User", "VpnAddress", "SessionId", "Verdict", "Rule", "Protocol",
        "Destination", "Port", "Container", "Service", "EndedMs", "BytesFromClient", "BytesToClient", "PacketsFromClient", "PacketsToClient",
    ];

    public static BareInsert Sqlite(string databasePath) =>
        new(() => new SqliteConnection($"Data Source={databasePath};Foreign Keys=True"), postgres: false);

    public static BareInsert Postgres(string connectionString) =>
        new(() => new NpgsqlConnection(connectionString), postgres: true);

    /// <summary>Makes <c>bench_events</c> like <c>events</c> (the controller must have migrated).</summary>
    public async Task CreateTableAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (postgres)
        {
            await ExecuteAsync(connection, $"CREATE TABLE {Table} (LIKE events INCLUDING ALL)", cancellationToken);
            await ExecuteAsync(connection, $"ALTER TABLE {Table} ADD FOREIGN KEY (\"GatewayId\") REFERENCES gateways (\"Id\") ON DELETE SET NULL", cancellationToken);
            return;
        }
        // SQLite has no LIKE: the table's and its indexes' own statements, renamed.
        var statements = new List<string>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY type DESC";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                statements.Add(reader.GetString(0).Replace("\"events\"", Table, StringComparison.Ordinal).Replace("\"IX_events_", "\"IX_bench_events_", StringComparison.Ordinal).Replace("\"PK_events\"", "\"PK_bench_events\"", StringComparison.Ordinal));
            }
        }
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, statement, cancellationToken);
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = connect();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Inserts <paramref name="batch"/> as gateway <paramref name="gatewayId"/>'s rows in one transaction.</summary>
    public async Task InsertAsync(DbConnection connection, int gatewayId, string gatewayName, IReadOnlyList<TelemetryEvent> batch, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        // PostgreSQL: one multi-row INSERT. SQLite: one prepared single-row INSERT run per row, its
        // fastest form; a multi-row one binds its 20,000 parameters by name, each a linear search in
        // SQLite (sqlite3_bind_parameter_index), and came out 7 times slower than ingest itself.
        var rows = postgres ? batch.Count : 1;
        var sql = new StringBuilder("INSERT INTO ").Append(Table).Append(" (").AppendJoin(", ", Columns.Select(c => "\"" + c + "\"")).Append(") VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < Columns.Length; column++)
            {
                var n = ((row * Columns.Length) + column + 1).ToString(CultureInfo.InvariantCulture);
                sql.Append(column == 0 ? "" : ", ").Append(postgres ? "$" : "@p").Append(n);
                var parameter = insert.CreateParameter();
                if (!postgres)
                {
                    parameter.ParameterName = "@p" + n;
                }
                insert.Parameters.Add(parameter);
            }
            sql.Append(')');
        }
        insert.CommandText = sql.ToString();
        for (var row = 0; row < batch.Count; row++)
        {
            var e = batch[row];
            object?[] values =
            [
                gatewayId, gatewayName, e.Sequence, e.Kind, e.At.ToUnixTimeMilliseconds(), e.User?.ToLowerInvariant(), e.VpnAddress, e.SessionId, e.Verdict, e.Rule, e.Protocol,
                e.Destination, e.Port, e.Container, e.Service, e.Ended?.ToUnixTimeMilliseconds(), e.BytesFromClient, e.BytesToClient, e.PacketsFromClient, e.PacketsToClient,
            ];
            var offset = postgres ? row * Columns.Length : 0;
            for (var column = 0; column < values.Length; column++)
            {
                insert.Parameters[offset + column].Value = values[column] ?? DBNull.Value;
            }
            if (!postgres)
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        if (postgres)
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
