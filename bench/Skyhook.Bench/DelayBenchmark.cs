using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Telemetry;
using Skyhook.Lab.Controller;

namespace Skyhook.Bench;

/// <summary>
/// Issue 8, delay on an idle system: one event at a time published to the real spool of a gateway
/// whose real shipper (default <see cref="TelemetryOptions.BatchDelayMilliseconds"/>) ships to the
/// controller, timed until an admin's long poll (<c>GET /api/v1/events?after=ID&amp;wait=S</c>),
/// already waiting, returns it. The shipper's send is wrapped to date its POST, which splits the
/// delay into publish to POST, the POST (HTTP and ingest), and the acknowledgement to the poll's answer.
/// </summary>
public sealed class DelayBenchmark : IAsyncDisposable
{
    private readonly LabAdmin _admin;
    private readonly string _gateway;
    private readonly ControllerApi _api;
    private readonly EventSpool _spool;
    private readonly EventShipper _shipper;
    private readonly DirectoryInfo _directory;
    private readonly List<(long LastSequence, long Started, long Ended)> _posts = [];
    private long _after;

    private DelayBenchmark(LabAdmin admin, BenchGateway gateway, ControllerApi api, DirectoryInfo directory)
    {
        _admin = admin;
        _gateway = gateway.Name;
        _api = api;
        _directory = directory;
        _spool = new EventSpool(directory.FullName, 64L * 1024 * 1024, TimeProvider.System, NullLogger<EventSpool>.Instance);
        _shipper = new EventShipper(SendAsync, _spool, Options.Create(new TelemetryOptions()), TimeProvider.System, NullLogger<EventShipper>.Instance);
    }

    public EventSpool Spool => _spool;

    public string Gateway => _gateway;

    public static async Task<DelayBenchmark> StartAsync(LabController controller, LabAdmin admin, string name, CancellationToken cancellationToken)
    {
        var gateway = await BenchGateway.EnrollAsync(admin, controller.Url, "ingest", name, cancellationToken);
        var bench = new DelayBenchmark(admin, gateway, gateway.CreateApi(controller.Url), Directory.CreateTempSubdirectory("skyhook-bench-delay-"));
        await bench._shipper.StartAsync(cancellationToken);
        var newest = await bench.GetAsync("/api/v1/events?limit=1", cancellationToken);
        bench._after = newest.Count == 0 ? 0 : newest[0].Id;
        return bench;
    }

    public sealed record Sample(double TotalMs, double ToPostMs, double PostMs, double AfterPostMs);

    /// <summary><paramref name="count"/> events, about one a second, each timed from its Publish to the poll's answer.</summary>
    public async Task<List<Sample>> PublishedAsync(int count, CancellationToken cancellationToken)
    {
        var samples = new List<Sample>();
        for (var i = 0; i < count; i++)
        {
            var poll = NextAsync(_ => true, cancellationToken);
            // The poll parked on the controller before the event exists.
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            var published = Stopwatch.GetTimestamp();
            _spool.Publish(FlowEvents.Templates[i] with { At = DateTimeOffset.UtcNow.AddSeconds(-1), Ended = DateTimeOffset.UtcNow });
            var sequence = _spool.LastSequence;
            var (_, visible) = await poll;
            samples.Add(Split(sequence, published, visible));
            await Task.Delay(TimeSpan.FromMilliseconds(700), cancellationToken);
        }
        return samples;
    }

    /// <summary>Waits (long polls, re-polling as needed) for the next event of this gateway that <paramref name="match"/> accepts; returns it and when it was seen.</summary>
    public async Task<(JsonElement Event, long SeenAt)> NextAsync(Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var events = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/events?after={_after}&wait=30&limit=1000&gateway={_gateway}"), cancellationToken);
            var seenAt = Stopwatch.GetTimestamp();
            foreach (var (id, e) in events)
            {
                _after = Math.Max(_after, id);
                if (match(e))
                {
                    return (e, seenAt);
                }
            }
        }
    }

    /// <summary>Publish to the POST of the batch holding <paramref name="sequence"/>, the POST, the POST's answer to the poll's.</summary>
    public Sample Split(long sequence, long published, long visible)
    {
        // The poll may answer before the shipper has read the POST's answer: a moment for it.
        (long LastSequence, long Started, long Ended) post = default;
        for (var tries = 0; post == default && tries < 2000; tries++)
        {
            lock (_posts)
            {
                post = _posts.FirstOrDefault(p => p.LastSequence >= sequence);
            }
            if (post == default)
            {
                Thread.Sleep(1);
            }
        }
        return new Sample(
            Stopwatch.GetElapsedTime(published, visible).TotalMilliseconds,
            Stopwatch.GetElapsedTime(published, post.Started).TotalMilliseconds,
            Stopwatch.GetElapsedTime(post.Started, post.Ended).TotalMilliseconds,
            Stopwatch.GetElapsedTime(post.Ended, visible).TotalMilliseconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _shipper.StopAsync(CancellationToken.None);
        _shipper.Dispose();
        _spool.Dispose();
        _api.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task<TelemetryAck> SendAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var ack = await _api.SendEventsAsync(batch, cancellationToken);
        if (batch.Events.Count > 0)
        {
            lock (_posts)
            {
                _posts.Add((batch.Events[^1].Sequence, started, Stopwatch.GetTimestamp()));
            }
        }
        return ack;
    }

    private async Task<List<(long Id, JsonElement Event)>> GetAsync(string path, CancellationToken cancellationToken)
    {
        var list = await _admin.Http.GetFromJsonAsync<JsonElement>(path, cancellationToken);
        return [.. list.EnumerateArray().Select(e => (e.GetProperty("id").GetInt64(), e))];
    }
}
