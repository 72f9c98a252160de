using System.Globalization;
using Npgsql;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// Issue 8: controller ingest on SQLite and PostgreSQL against bare inserts, the gateway's spool and
/// shipper against a plain file, and the delay from an event's publication to the API. Prints the
/// body of the docs/BENCHMARKS.md section; bench/events.sh adds the heading and the machine.
/// </summary>
public static class EventsBenchmarks
{
    /// <summary>An Npgsql connection string to a server whose user may create databases; without it, PostgreSQL is left out.</summary>
    public const string PostgresVariable = "SKYHOOK_BENCH_POSTGRES";

    public static async Task PrintAsync(int seconds, int rounds, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        var ingestRows = new List<(int Round, LoadResult Ingest, LoadResult Bare)>();
        var shipRows = new List<(int Round, ShippingBenchmark.Result File, ShippingBenchmark.Result Spool, ShippingBenchmark.Result Ship)>();
        List<DelayBenchmark.Sample> delays;
        List<FlowDelayBenchmark.Sample> flowDelays;

        await using (var controller = await LabController.StartAsync(System.Net.IPAddress.Loopback, environment: null, cancellationToken))
        {
            using var admin = await LabAdmin.CreateAsync(controller, cancellationToken);
            await using (var ingest = await IngestBenchmark.CreateAsync(controller, admin, "SQLite", BareInsert.Sqlite(Path.Combine(controller.DataDirectory, "skyhook.db")), cancellationToken))
            {
                await IngestRoundsAsync(ingest, "SQLite", rounds, duration, ingestRows, cancellationToken);
            }

            for (var round = 1; round <= rounds; round++)
            {
                Console.Error.WriteLine($"round {round}: gateway spool and shipper");
                // The baseline between the two, so that a drift in the machine's load favours neither.
                var spool = await ShippingBenchmark.SpoolAsync(duration, cancellationToken);
                var file = await ShippingBenchmark.FileStreamAsync(duration, cancellationToken);
                var ship = await ShippingBenchmark.ShipAsync(controller, admin, round, duration, cancellationToken);
                shipRows.Add((round, file, spool, ship));
            }

            Console.Error.WriteLine("delay, idle: 30 events one at a time");
            await using var delay = await DelayBenchmark.StartAsync(controller, admin, "delay-gw", cancellationToken);
            delays = await delay.PublishedAsync(30, cancellationToken);
            Console.Error.WriteLine("delay, idle: 20 real TCP connections closed, to their flow events");
            flowDelays = await FlowDelayBenchmark.RunAsync(controller, admin, 20, cancellationToken);
        }

        if (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server)
        {
            var database = "skyhook_bench_" + Guid.NewGuid().ToString("N");
            var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"", cancellationToken);
            try
            {
                await using var controller = await LabController.StartAsync(
                    System.Net.IPAddress.Loopback,
                    new Dictionary<string, string> { ["Storage__Provider"] = "postgres", ["Storage__ConnectionString"] = connectionString },
                    cancellationToken);
                using var admin = await LabAdmin.CreateAsync(controller, cancellationToken);
                await using var ingest = await IngestBenchmark.CreateAsync(controller, admin, "PostgreSQL", BareInsert.Postgres(connectionString), cancellationToken);
                await IngestRoundsAsync(ingest, "PostgreSQL", rounds, duration, ingestRows, cancellationToken);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", cancellationToken);
            }
        }

        PrintIngest(ingestRows, seconds);
        PrintShipping(shipRows, seconds);
        PrintDelay(delays);
        PrintFlowDelay(flowDelays);
    }

    /// <summary>The flow delay alone, on a controller of its own (<c>Skyhook.Bench 0 flow-delay COUNT</c>).</summary>
    public static async Task PrintFlowDelayAsync(int count, CancellationToken cancellationToken)
    {
        await using var controller = await LabController.StartAsync(System.Net.IPAddress.Loopback, environment: null, cancellationToken);
        using var admin = await LabAdmin.CreateAsync(controller, cancellationToken);
        // The group the full run's ingest benchmark makes, which the delay's gateway joins.
        await admin.PostAsync("/api/v1/groups", new { name = "ingest", clientPool = "192.168.64.0/18" }, cancellationToken);
        PrintFlowDelay(await FlowDelayBenchmark.RunAsync(controller, admin, count, cancellationToken));
    }

    private static void PrintFlowDelay(List<FlowDelayBenchmark.Sample> samples)
    {
        Console.WriteLine(Invariant($"Delay of a flow, idle: {samples.Count} real TCP connections, one about every second, from a VPN client's namespace through a gateway namespace to a server namespace, each closed by both ends (the client first), timed from the client's close to the answer of an admin's long poll already waiting, with the flow event. Between them: conntrack's TIME_WAIT ({new Skyhook.Gateway.Telemetry.FlowTelemetryOptions().ClosedConnectionSeconds} s, `Telemetry:Flows:ClosedConnectionSeconds`), its DESTROY event, the real FlowTelemetry (conntrack -E), then the spool, shipper and controller as above."));
        Console.WriteLine();
        var total = samples.Select(s => s.TotalMs).Order().ToArray();
        Console.WriteLine("| path | samples | p50 ms | p90 ms | max ms | close to published, median | published to visible, median |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        Console.WriteLine(Invariant(
            $"| TCP close to API (idle) | {total.Length} | {Percentile(total, 0.5):0} | {Percentile(total, 0.9):0} | {total[^1]:0} | {Median(samples.Select(s => s.CloseToPublishMs)):0} | {Median(samples.Select(s => s.PublishToVisibleMs)):0} |"));
        Console.WriteLine();
    }

    private static async Task IngestRoundsAsync(IngestBenchmark ingest, string database, int rounds, TimeSpan duration, List<(int, LoadResult, LoadResult)> rows, CancellationToken cancellationToken)
    {
        await ingest.WarmUpAsync(cancellationToken);
        for (var round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"round {round}: ingest and bare inserts, {database}");
            // Alternate which goes first, so that a drift in the machine's load favours neither.
            LoadResult api, bare;
            if (round % 2 == 1)
            {
                api = await ingest.IngestAsync(duration, cancellationToken);
                bare = await ingest.BareAsync(duration, cancellationToken);
            }
            else
            {
                bare = await ingest.BareAsync(duration, cancellationToken);
                api = await ingest.IngestAsync(duration, cancellationToken);
            }
            rows.Add((round, api, bare));
        }
    }

    private static void PrintIngest(List<(int Round, LoadResult Ingest, LoadResult Bare)> rows, int seconds)
    {
        const int batch = IngestBenchmark.BatchSize;
        Console.WriteLine($"Controller ingest: {IngestBenchmark.Gateways} enrolled gateways at once, each posting batches of {batch} flows (`POST /api/v1/gateway/events` through the gateway's `ControllerApi`) as fast as they are acknowledged, {seconds} s a run; baseline: the same rows by {IngestBenchmark.Gateways} bare loops (one connection each, a transaction per batch: on PostgreSQL one multi-row INSERT, on SQLite one prepared single-row INSERT run per row, its fastest form) into `bench_events`, a copy of `events` (columns, indexes, foreign key) in the same database. Rounds alternate which goes first.");
        Console.WriteLine();
        Console.WriteLine("| round | database | scenario | events per second | batch p50 ms | batch p99 ms | failures |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (round, ingest, bare) in rows)
        {
            foreach (var r in new[] { ingest, bare })
            {
                Console.WriteLine(Invariant($"| {round} | {r.Scenario.Split(", ")[1]} | {r.Scenario.Split(", ")[0]} | {r.PerSecond * batch:0} | {r.P50.TotalMilliseconds:0.0} | {r.P99.TotalMilliseconds:0.0} | {r.Failures} |"));
            }
        }
        Console.WriteLine();
        Console.WriteLine("| database | ingest, events per second (median) | bare INSERT (median) | **ratio ingest / bare** | ratio within each round | batch p50 / p99 ms, ingest (medians) | bare |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var database in rows.GroupBy(r => r.Ingest.Scenario.Split(", ")[1]))
        {
            var ingest = Median(database.Select(r => r.Ingest.PerSecond * batch));
            var bare = Median(database.Select(r => r.Bare.PerSecond * batch));
            var ratios = database.Select(r => r.Ingest.PerSecond / r.Bare.PerSecond).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {database.Key} | {ingest:0} | {bare:0} | **{ingest / bare:0.000}** | {string.Join(", ", ratios.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))} | "
                + $"{Median(database.Select(r => r.Ingest.P50.TotalMilliseconds)):0} / {Median(database.Select(r => r.Ingest.P99.TotalMilliseconds)):0} | "
                + $"{Median(database.Select(r => r.Bare.P50.TotalMilliseconds)):0} / {Median(database.Select(r => r.Bare.P99.TotalMilliseconds)):0} |"));
        }
        Console.WriteLine();
    }

    private static void PrintShipping(List<(int Round, ShippingBenchmark.Result File, ShippingBenchmark.Result Spool, ShippingBenchmark.Result Ship)> rows, int seconds)
    {
        Console.WriteLine($"Gateway: {ShippingBenchmark.Publishers} threads publishing the same flows as fast as they can for {seconds} s a run to the real `EventSpool` (a temporary folder on the same disk), alone and with the real `EventShipper` shipping to the SQLite controller above as a newly enrolled gateway; baseline: the same JSON lines, serialized beforehand, appended by the same threads to one file through an unbuffered `FileStream` (one write(2) per line under a lock, as the spool writes). Backlog: events spooled and not acknowledged at the end. RSS: the bench process (controller excluded) at the end of the run.");
        Console.WriteLine();
        Console.WriteLine("| round | scenario | published per second | acknowledged per second | backlog at the end | dropped | bytes per event on disk | RSS MiB |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            foreach (var r in new[] { row.Spool, row.File, row.Ship })
            {
                Console.WriteLine(Invariant(
                    $"| {row.Round} | {r.Scenario} | {r.PublishedPerSecond:0} | {(r.Acknowledged > 0 ? r.AcknowledgedPerSecond.ToString("0", CultureInfo.InvariantCulture) : "-")} | {(r.Scenario.StartsWith("baseline", StringComparison.Ordinal) ? "-" : r.Backlog.ToString(CultureInfo.InvariantCulture))} | {r.Dropped} | {(double.IsNaN(r.BytesPerEvent) ? "-" : r.BytesPerEvent.ToString("0", CultureInfo.InvariantCulture))} | {r.ResidentMiB:0} |"));
            }
        }
        Console.WriteLine();
        var file = Median(rows.Select(r => r.File.PublishedPerSecond));
        var spool = Median(rows.Select(r => r.Spool.PublishedPerSecond));
        var ship = Median(rows.Select(r => r.Ship.PublishedPerSecond));
        var acked = Median(rows.Select(r => r.Ship.AcknowledgedPerSecond));
        Console.WriteLine("| case | events per second (median) | FileStream baseline (median) | **ratio** | ratio within each round |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        Console.WriteLine(Invariant($"| published, spool only | {spool:0} | {file:0} | **{spool / file:0.000}** | {Ratios(rows.Select(r => r.Spool.PublishedPerSecond / r.File.PublishedPerSecond))} |"));
        Console.WriteLine(Invariant($"| published, spool + shipper | {ship:0} | {file:0} | **{ship / file:0.000}** | {Ratios(rows.Select(r => r.Ship.PublishedPerSecond / r.File.PublishedPerSecond))} |"));
        Console.WriteLine(Invariant($"| acknowledged by the controller, spool + shipper | {acked:0} | {file:0} | **{acked / file:0.000}** | {Ratios(rows.Select(r => r.Ship.AcknowledgedPerSecond / r.File.PublishedPerSecond))} |"));
        Console.WriteLine();
    }

    private static void PrintDelay(List<DelayBenchmark.Sample> samples)
    {
        Console.WriteLine($"Delay, idle: {samples.Count} events published one at a time, about one a second, to a gateway's spool with the real shipper (default batch delay {new Skyhook.Gateway.Telemetry.TelemetryOptions().BatchDelayMilliseconds} ms), each timed from `Publish` to the answer of an admin's long poll (`GET /api/v1/events?after=ID&wait=30&gateway=NAME`) already waiting. Split by the shipper's POST (wrapped to date it): publish to POST (the shipper's wait for an event and its batch delay), the POST (HTTP, validation, the insert's transaction), the POST's answer to the poll's (negative: the poll answered first).");
        Console.WriteLine();
        PrintDelayTable([("spool to API (idle)", samples)]);
    }

    /// <summary>One row per path: p50, p90, max of the whole delay and the medians of its parts.</summary>
    public static void PrintDelayTable(IEnumerable<(string Path, List<DelayBenchmark.Sample> Samples)> paths)
    {
        Console.WriteLine("| path | samples | p50 ms | p90 ms | max ms | publish to POST, median | POST, median | POST's answer to visible, median |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (path, samples) in paths)
        {
            var total = samples.Select(s => s.TotalMs).Order().ToArray();
            Console.WriteLine(Invariant(
                $"| {path} | {total.Length} | {Percentile(total, 0.5):0} | {Percentile(total, 0.9):0} | {total[^1]:0} | {Median(samples.Select(s => s.ToPostMs)):0} | {Median(samples.Select(s => s.PostMs)):0} | {Median(samples.Select(s => s.AfterPostMs)):0} |"));
        }
        Console.WriteLine();
    }

    private static string Ratios(IEnumerable<double> ratios) => string.Join(", ", ratios.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)));

    private static double Median(IEnumerable<double> values) => Percentile([.. values.Order()], 0.5);

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(quantile * sorted.Length) - 1))];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
