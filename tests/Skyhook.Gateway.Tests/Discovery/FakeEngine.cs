using System.Net;
using System.Threading.Channels;
using Skyhook.Gateway.Discovery;

namespace Skyhook.Gateway.Tests.Discovery;

/// <summary>An engine for <see cref="DockerDiscovery"/> without Docker: a settable view, events on demand, a switch to fail.</summary>
internal sealed class FakeEngine(string endpoint) : IEngineReader
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();
    private volatile EngineView _view = EngineView.Empty;
    private volatile Exception? _failure;
    private int _reads;

    public string Endpoint => endpoint;

    public int Reads => Volatile.Read(ref _reads);

    public bool Disposed { get; private set; }

    public void Show(params (string Name, string Address)[] containers) =>
        _view = new EngineView(null, containers.Select(c => new ObservedContainer(
            "id-" + c.Name, null, null, DiscoveredEndpoints.Create([IPAddress.Parse(c.Address)], c.Name, null, [], ["overlay"]))).ToList(), null);

    public void Fail(Exception? failure) => _failure = failure;

    public void Event(string description) => _events.Writer.TryWrite(description);

    public Task<EngineView> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return _failure is { } failure ? Task.FromException<EngineView>(failure) : Task.FromResult(_view);
    }

    public async Task WatchAsync(Action<string> onEvent, CancellationToken cancellationToken)
    {
        await foreach (var description in _events.Reader.ReadAllAsync(cancellationToken))
        {
            onEvent(description);
        }
    }

    public void Dispose() => Disposed = true;
}
