using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>
/// A FAKE controller's POST /api/v1/gateway/events (Kestrel on loopback): the controller's endpoint
/// is built in parallel and cannot run in this test project. It keeps what the real one promises:
/// each event is stored once, events at or below the highest sequence held are ignored (a batch sent
/// again doubles nothing), gaps are accepted, and the answer is the highest sequence held. On cue it
/// answers 503, or stores a batch and then loses the answer (drops the connection, or never answers).
/// </summary>
internal sealed class FakeEventsController : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<TelemetryEvent> _stored = [];
    private readonly List<long> _received = [];
    private long _highest;
    private long _dropped;
    private int _requests;
    private int _loseAnswers;

    private FakeEventsController(WebApplication app) => _app = app;

    public string Url => _app.Urls.Single();

    /// <summary>Answer 503 Service Unavailable to every batch, storing nothing.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Store the next this many batches, then drop the connection instead of answering.</summary>
    public int LoseAnswers
    {
        get
        {
            lock (_lock)
            {
                return _loseAnswers;
            }
        }
        set
        {
            lock (_lock)
            {
                _loseAnswers = value;
            }
        }
    }

    /// <summary>Store the batch of this request (1-based), then never answer.</summary>
    public int? HangAfterStoringRequest { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The events stored, in the order they were stored.</summary>
    public IReadOnlyList<TelemetryEvent> Stored
    {
        get
        {
            lock (_lock)
            {
                return _stored.ToArray();
            }
        }
    }

    /// <summary>Every sequence received, resent ones included.</summary>
    public IReadOnlyList<long> Received
    {
        get
        {
            lock (_lock)
            {
                return _received.ToArray();
            }
        }
    }

    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    /// <param name="port">0 for any free one.</param>
    public static async Task<FakeEventsController> StartAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var self = new FakeEventsController(app);
        app.MapPost("/api/v1/gateway/events", self.ReceiveAsync);
        await app.StartAsync(cancellationToken);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpContext context, TelemetryBatch batch, CancellationToken cancellationToken)
    {
        var request = Interlocked.Increment(ref _requests);
        if (Unavailable)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        long highest;
        bool lose;
        lock (_lock)
        {
            foreach (var e in batch.Events)
            {
                _received.Add(e.Sequence);
                if (e.Sequence > _highest)
                {
                    _stored.Add(e);
                    _highest = e.Sequence;
                }
            }
            _dropped += batch.Dropped;
            highest = _highest;
            lose = _loseAnswers > 0;
            if (lose)
            {
                _loseAnswers--;
            }
        }
        if (lose)
        {
            context.Abort();
            return Results.Empty;
        }
        if (HangAfterStoringRequest == request)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        return Results.Json(new TelemetryAck(highest));
    }
}
