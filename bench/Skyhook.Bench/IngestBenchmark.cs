using System.Data.Common;
using System.Globalization;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// Issue 8, controller ingest: <see cref="Gateways"/> enrolled gateways, each posting batches of
/// <see cref="BatchSize"/> flows to <c>POST /api/v1/gateway/events</c> through the gateway's own
/// <see cref="ControllerApi"/>, the next as soon as the last was acknowledged; against
/// <see cref="BareInsert"/> of the same rows into the same database with the same concurrency.
/// </summary>
public sealed class IngestBenchmark : IAsyncDisposable
{
    public const int Gateways = 4;
    public const int BatchSize = 1000;

    private readonly string _database;
    private readonly ControllerApi[] _apis;
    private readonly (int Id, string Name)[] _gateways;
    private readonly long[] _next;
    private readonly long[] _bareNext;
    private readonly BareInsert _bare;

    private IngestBenchmark(string database, ControllerApi[] apis, (int, string)[] gateways, BareInsert bare)
    {
        _database = database;
        _apis = apis;
        _gateways = gateways;
        _bare = bare;
        _next = [.. apis.Select(_ => 1L)];
        _bareNext = [.. apis.Select(_ => 1L)];
    }

    /// <param name="database">sqlite or postgres, as the table shows it.</param>
    public static async Task<IngestBenchmark> CreateAsync(LabController controller, LabAdmin admin, string database, BareInsert bare, CancellationToken cancellationToken)
    {
        await admin.PostAsync("/api/v1/groups", new { name = "ingest", clientPool = "192.168.64.0/18", overlays = new[] { new { name = "multi-host-overlay", subnet = "10.0.0.0/16" } } }, cancellationToken);
        var apis = new ControllerApi[Gateways];
        var gateways = new (int, string)[Gateways];
        await bare.CreateTableAsync(cancellationToken);
        await using var connection = await bare.OpenAsync(cancellationToken);
        for (var i = 0; i < Gateways; i++)
        {
            var gateway = await BenchGateway.EnrollAsync(admin, controller.Url, "ingest", $"ingest-gw{i + 1}", cancellationToken);
            apis[i] = gateway.CreateApi(controller.Url);
            gateways[i] = (await GatewayIdAsync(connection, gateway.Name, cancellationToken), gateway.Name);
        }
        return new IngestBenchmark(database, apis, gateways, bare);
    }

    /// <summary>Both, unmeasured, for a few seconds: JIT, connection pools, the database's first pages.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await IngestAsync(TimeSpan.FromSeconds(2), cancellationToken);
        await BareAsync(TimeSpan.FromSeconds(2), cancellationToken);
    }

    public Task<LoadResult> IngestAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        Load.RunAsync($"ingest, {_database}", Gateways, duration, int.MaxValue, async (worker, _, ct) =>
        {
            var batch = FlowEvents.Batch(_next[worker], BatchSize);
            _next[worker] += BatchSize;
            var ack = await _apis[worker].SendEventsAsync(new TelemetryBatch(batch), ct);
            return ack.Acknowledged == batch[^1].Sequence;
        }, cancellationToken);

    public async Task<LoadResult> BareAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var connections = new DbConnection[Gateways];
        for (var i = 0; i < Gateways; i++)
        {
            connections[i] = await _bare.OpenAsync(cancellationToken);
        }
        try
        {
            return await Load.RunAsync($"bare INSERT, {_database}", Gateways, duration, int.MaxValue, async (worker, _, ct) =>
            {
                var batch = FlowEvents.Batch(_bareNext[worker], BatchSize);
                _bareNext[worker] += BatchSize;
                await _bare.InsertAsync(connections[worker], _gateways[worker].Id, _gateways[worker].Name, batch, ct);
                return true;
            }, cancellationToken);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
        {
            api.Dispose();
        }
        await Task.CompletedTask;
    }

    private static async Task<int> GatewayIdAsync(DbConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\" FROM gateways WHERE \"Name\" = '" + name + "'";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
