using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Telemetry;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// Issue 8, the gateway's side: <see cref="Publishers"/> threads calling the real
/// <see cref="EventSpool.Publish"/> as fast as they can, with and without the real
/// <see cref="EventShipper"/> shipping to the real controller as a freshly enrolled gateway (each
/// run its own: sequences start at 1). Baseline: the same JSON lines, serialized beforehand, appended
/// by the same threads to one file with a plain unbuffered <see cref="FileStream"/> (one write(2)
/// per line under a lock, as the spool does): the floor of the disk path.
/// </summary>
public static class ShippingBenchmark
{
    public const int Publishers = 4;

    /// <summary>Larger than the gateway's default 512 MiB, so that a run measures writing, not dropping.</summary>
    private const long SpoolLimitBytes = 8L * 1024 * 1024 * 1024;

    public sealed record Result(string Scenario, long Published, long Acknowledged, TimeSpan Elapsed, long Backlog, long Dropped, double BytesPerEvent, double ResidentMiB)
    {
        public double PublishedPerSecond => Published / Elapsed.TotalSeconds;

        public double AcknowledgedPerSecond => Acknowledged / Elapsed.TotalSeconds;
    }

    /// <summary>The spool alone (no shipper): what the event sources can hand off.</summary>
    public static Task<Result> SpoolAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RunAsync("spool only (Publish)", null, duration, cancellationToken);

    /// <summary>Spool and shipper together, shipping to <paramref name="controller"/> as a new gateway.</summary>
    public static async Task<Result> ShipAsync(LabController controller, LabAdmin admin, int run, TimeSpan duration, CancellationToken cancellationToken)
    {
        var gateway = await BenchGateway.EnrollAsync(admin, controller.Url, "ingest", $"ship-gw{run}", cancellationToken);
        return await RunAsync("spool + shipper to the controller", gateway.CreateApi(controller.Url), duration, cancellationToken);
    }

    public static async Task<Result> FileStreamAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var lines = FlowEvents.Batch(1, FlowEvents.Templates.Count).Select(e => JsonSerializer.SerializeToUtf8Bytes(e, FlowEvents.SpoolJson).Concat("\n"u8.ToArray()).ToArray()).ToArray();
        var directory = Directory.CreateTempSubdirectory("skyhook-bench-file-");
        try
        {
            var path = Path.Combine(directory.FullName, "lines.jsonl");
            long bytes = 0;
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
            var gate = new Lock();
            var (published, elapsed) = await PublishAsync(duration, i =>
            {
                var line = lines[i % lines.Length];
                lock (gate)
                {
                    file.Write(line);
                    bytes += line.Length;
                }
            }, cancellationToken);
            return new Result("baseline: FileStream, one write(2) per line", published, 0, elapsed, 0, 0, (double)bytes / published, ProcessMemory.ResidentMiB());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<Result> RunAsync(string scenario, Skyhook.Gateway.Sync.ControllerApi? api, TimeSpan duration, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("skyhook-bench-spool-");
        try
        {
            using var spool = new EventSpool(directory.FullName, SpoolLimitBytes, TimeProvider.System, NullLogger<EventSpool>.Instance);
            using var shipper = api is null ? null : new EventShipper(api, spool, Options.Create(new TelemetryOptions()), TimeProvider.System, NullLogger<EventShipper>.Instance);
            if (shipper is not null)
            {
                await shipper.StartAsync(cancellationToken);
            }
            var templates = FlowEvents.Templates;
            var (published, elapsed) = await PublishAsync(duration, i => spool.Publish(templates[i % templates.Count]), cancellationToken);
            var acknowledged = spool.Acknowledged;
            var backlog = spool.PendingEvents;
            var rss = ProcessMemory.ResidentMiB();
            if (shipper is not null)
            {
                await shipper.StopAsync(cancellationToken);
            }
            // Bytes per event from the segments' total: only the spool-only run keeps every segment.
            var bytesPerEvent = shipper is null ? (double)spool.PendingBytes / spool.LastSequence : double.NaN;
            return new Result(scenario, published, acknowledged, elapsed, backlog, spool.Dropped, bytesPerEvent, rss);
        }
        finally
        {
            api?.Dispose();
            directory.Delete(recursive: true);
        }
    }

    /// <summary><see cref="Publishers"/> threads calling <paramref name="publish"/> with a running index until <paramref name="duration"/> is over.</summary>
    private static async Task<(long Published, TimeSpan Elapsed)> PublishAsync(TimeSpan duration, Action<int> publish, CancellationToken cancellationToken)
    {
        var stop = 0;
        var counts = new long[Publishers];
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Publishers).Select(t => new Thread(() =>
        {
            var n = 0L;
            while (Volatile.Read(ref stop) == 0)
            {
                publish((int)((n * Publishers) + t));
                n++;
            }
            counts[t] = n;
        })).ToList();
        threads.ForEach(t => t.Start());
        await Task.Delay(duration, cancellationToken);
        Volatile.Write(ref stop, 1);
        threads.ForEach(t => t.Join());
        return (counts.Sum(), clock.Elapsed);
    }
}
