namespace Skyhook.Gateway.Discovery;

/// <summary>
/// One engine as one read found it: its swarm node id (null outside a swarm), its own running
/// containers on overlays, and, when it is a swarm manager, the cluster's services and tasks.
/// </summary>
public sealed record EngineView(string? NodeId, IReadOnlyList<ObservedContainer> Containers, SwarmView? Swarm)
{
    public static EngineView Empty { get; } = new(null, [], null);
}
