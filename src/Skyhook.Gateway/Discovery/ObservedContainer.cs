using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// One running container on an overlay as one source saw it: an engine's container list, or a swarm
/// manager's task list. <paramref name="Endpoint"/> carries the container's own labels; the service's
/// labels are added when the views are merged (<see cref="EndpointMerge"/>).
/// </summary>
/// <param name="Id">The container's id, which both sources know and which ties them together.</param>
/// <param name="NodeId">The swarm node it runs on; null outside a swarm.</param>
/// <param name="ServiceId">The swarm service it is a task of; null for a standalone container.</param>
public sealed record ObservedContainer(string Id, string? NodeId, string? ServiceId, DiscoveredEndpoint Endpoint);
