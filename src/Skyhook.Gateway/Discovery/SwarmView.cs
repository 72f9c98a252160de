namespace Skyhook.Gateway.Discovery;

/// <summary>What a swarm manager shows for the whole cluster: the services by id, and the running tasks on overlays.</summary>
public sealed record SwarmView(IReadOnlyDictionary<string, ServiceFacts> Services, IReadOnlyList<ObservedContainer> Tasks);
