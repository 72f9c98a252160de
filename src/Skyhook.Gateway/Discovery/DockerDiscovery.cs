using Docker.DotNet;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// The containers on the overlays, from every engine in Discovery:DockerEndpoints. Per engine, one
/// loop follows its events and one reads it: a relevant event (a container started, stopped or
/// renamed, a network connect or disconnect, a service change) marks the engine for a read after a
/// short debounce, a dropped event stream reconnects with backoff and re-reads, and every
/// Discovery:ResyncSeconds all engines are re-read anyway. After each read the views of all engines
/// are merged (<see cref="EndpointMerge"/>) and a new snapshot is published only if the sorted list
/// changed. An engine that cannot be read keeps its last known endpoints (a restarting dockerd or a
/// lost link should not cut users off the containers it runs) and is retried with backoff, with a
/// warning in the log.
/// </summary>
public sealed partial class DockerDiscovery : BackgroundService, IEndpointSource
{
    private readonly Engine[] _engines;
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private EndpointSnapshot _current = EndpointSnapshot.Empty;
    private TaskCompletionSource<EndpointSnapshot> _changed = NewSignal();

    public DockerDiscovery(IOptions<DiscoveryOptions> options, ILogger<DockerDiscovery> logger, TimeProvider timeProvider)
        : this(Readers(options), options.Value, logger, timeProvider)
    {
    }

    /// <summary>Discovery over the given engines, which it owns and disposes.</summary>
    public DockerDiscovery(IReadOnlyList<IEngineReader> engines, DiscoveryOptions options, ILogger logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _time = timeProvider;
        _engines = engines.Select(e => new Engine(e)).ToArray();
    }

    public EndpointSnapshot Current => Volatile.Read(ref _current);

    public async Task<EndpointSnapshot> WaitForChangeAsync(long afterVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<EndpointSnapshot> next;
            lock (_gate)
            {
                if (_current.Version > afterVersion)
                {
                    return _current;
                }
                next = _changed.Task;
            }
            await next.WaitAsync(cancellationToken);
        }
    }

    public override void Dispose()
    {
        foreach (var engine in _engines)
        {
            engine.Reader.Dispose();
        }
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Watching(_logger, string.Join(", ", _engines.Select(e => e.Reader.Endpoint)));
        var loops = _engines.SelectMany(e => new[] { ReadLoopAsync(e, stoppingToken), EventLoopAsync(e, stoppingToken) })
            .Append(ResyncLoopAsync(stoppingToken))
            .ToList();
        try
        {
            // The loops end only when the gateway stops. One that fails before is a bug: it stops the
            // host (as any failed hosted service does) rather than leave the endpoints silently stale.
            await await Task.WhenAny(loops);
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads the engine whenever it is marked, after the debounce; on failure keeps its last view and retries with backoff.</summary>
    private async Task ReadLoopAsync(Engine engine, CancellationToken cancellationToken)
    {
        var backoff = new Core.Retries.Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(_options.MaxRetrySeconds));
        engine.MarkDirty();
        while (true)
        {
            await engine.Dirty.Reader.ReadAsync(cancellationToken);
            if (_options.DebounceMilliseconds > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_options.DebounceMilliseconds), _time, cancellationToken);
            }
            // This read covers every event of the burst so far; later ones mark the engine again.
            engine.Dirty.Reader.TryRead(out _);
            var read = await TryReadAsync(engine, cancellationToken);
            Publish();
            if (read)
            {
                backoff.Reset();
            }
            else
            {
                await Task.Delay(backoff.Next(), _time, cancellationToken);
                engine.MarkDirty();
            }
        }
    }

    private async Task<bool> TryReadAsync(Engine engine, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ReadTimeoutSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var view = await engine.Reader.ReadAsync(linked.Token);
            lock (_gate)
            {
                engine.Reading = new EngineReading(view, Current: true);
            }
            if (engine.Failing)
            {
                engine.Failing = false;
                Log.EngineBack(_logger, engine.Reader.Endpoint);
            }
            Log.EngineRead(_logger, engine.Reader.Endpoint, view.Containers.Count, view.Swarm?.Tasks.Count);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            int kept;
            lock (_gate)
            {
                if (engine.Reading is { } last)
                {
                    engine.Reading = last with { Current = false };
                }
                kept = engine.Reading?.View.Containers.Count ?? 0;
            }
            var error = timeout.IsCancellationRequested ? $"no answer within {_options.ReadTimeoutSeconds} s" : Describe(ex);
            if (!engine.Failing)
            {
                engine.Failing = true;
                Log.EngineUnreachable(_logger, engine.Reader.Endpoint, error, kept);
            }
            else
            {
                Log.EngineStillUnreachable(_logger, engine.Reader.Endpoint, error);
            }
            return false;
        }
    }

    /// <summary>Follows the engine's events; a stream that ends or fails is reopened with backoff, and the engine re-read.</summary>
    private async Task EventLoopAsync(Engine engine, CancellationToken cancellationToken)
    {
        var backoff = new Core.Retries.Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(_options.MaxRetrySeconds));
        var failures = 0;
        while (true)
        {
            var started = _time.GetTimestamp();
            // Events missed while the stream was down are covered by a read once it is back.
            engine.MarkDirty();
            string reason;
            try
            {
                await engine.Reader.WatchAsync(description =>
                {
                    Log.Event(_logger, engine.Reader.Endpoint, description);
                    engine.MarkDirty();
                }, cancellationToken);
                reason = "the engine closed it";
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                reason = Describe(ex);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (_time.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                // It ran for a while: this is a new outage, not the next retry of one.
                backoff.Reset();
                failures = 0;
            }
            var delay = backoff.Next();
            if (failures++ == 0)
            {
                Log.EventsLost(_logger, engine.Reader.Endpoint, reason, delay.TotalSeconds);
            }
            else
            {
                Log.EventsStillLost(_logger, engine.Reader.Endpoint, reason, delay.TotalSeconds);
            }
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    /// <summary>The safety net: every engine is re-read now and then, events or not.</summary>
    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(_options.ResyncSeconds), _time, cancellationToken);
            foreach (var engine in _engines)
            {
                engine.MarkDirty();
            }
        }
    }

    /// <summary>Merges every engine's view and publishes a new snapshot if the endpoints changed.</summary>
    private void Publish()
    {
        lock (_gate)
        {
            var endpoints = EndpointMerge.Merge(_engines.Select(e => e.Reading).OfType<EngineReading>().ToList());
            if (EndpointComparer.SameEndpoints(endpoints, _current.Endpoints))
            {
                return;
            }
            var before = new HashSet<DiscoveredEndpoint>(_current.Endpoints, EndpointComparer.Instance);
            var after = new HashSet<DiscoveredEndpoint>(endpoints, EndpointComparer.Instance);
            var next = new EndpointSnapshot(_current.Version + 1, endpoints);
            Volatile.Write(ref _current, next);
            var changed = _changed;
            _changed = NewSignal();
            changed.SetResult(next);
            Log.Changed(_logger, next.Version, endpoints.Count, after.Count(e => !before.Contains(e)), before.Count(e => !after.Contains(e)));
        }
    }

    private static TaskCompletionSource<EndpointSnapshot> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static IReadOnlyList<IEngineReader> Readers(IOptions<DiscoveryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Options are validated on start; this keeps a bad endpoint from getting as far as a client.
        if (DiscoveryOptionsValidator.Problem(options.Value) is { } problem)
        {
            throw new OptionsValidationException(DiscoveryOptions.SectionName, typeof(DiscoveryOptions), [problem]);
        }
        return options.Value.DockerEndpoints.Select(e => (IEngineReader)new DockerEngineReader(e)).ToList();
    }

    private static string Describe(Exception ex) => ex switch
    {
        DockerApiException docker => $"{(int)docker.StatusCode} {docker.ResponseBody?.Trim()}",
        _ when ex.InnerException is { } inner => $"{ex.Message} ({inner.Message})",
        _ => ex.Message,
    };
}
