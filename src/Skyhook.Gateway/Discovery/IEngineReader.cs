namespace Skyhook.Gateway.Discovery;

/// <summary>One Docker engine as discovery reads and follows it (<see cref="DockerEngineReader"/>; fakes in tests).</summary>
public interface IEngineReader : IDisposable
{
    /// <summary>The engine's address as configured, for logs.</summary>
    public string Endpoint { get; }

    /// <summary>Everything discovery needs from the engine now: its node, its containers and, on a manager, the cluster's tasks.</summary>
    public Task<EngineView> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Follows the engine's container, network and service events, calling <paramref name="onEvent"/>
    /// with a short description of each, until the stream ends (returns) or fails (throws).
    /// </summary>
    public Task WatchAsync(Action<string> onEvent, CancellationToken cancellationToken);
}
