using System.Globalization;
using System.Net;
using Docker.DotNet.Models;
using Skyhook.Gateway.Overlay;

namespace Skyhook.Gateway.Discovery;

/// <summary>
/// Docker Engine API answers to <see cref="ObservedContainer"/>s, without I/O. Only addresses on
/// overlay networks count, and not on swarm's ingress network: those are the networks a gateway
/// routes into; a bridge address exists once per host (every node has a 172.17.0.2) and cannot be
/// reached from the gateway.
/// </summary>
public static class DockerMapping
{
    public const string ServiceIdLabel = "com.docker.swarm.service.id";
    public const string ServiceNameLabel = "com.docker.swarm.service.name";

    /// <summary>
    /// One engine's running containers on its overlays. <paramref name="networks"/> is the engine's
    /// network list (any driver: only non-ingress overlays are used); a container's endpoint is matched
    /// to it by network id, or by name when the engine left the id out. The gateway's own anchor
    /// containers are left out: they are the gateway's way in, not a workload. The container list does
    /// not carry network aliases (dockerd copies only addresses into it): they come from inspecting
    /// each container (<see cref="OverlayAliases"/>), keyed by container id in <paramref name="aliasesByContainerId"/>.
    /// </summary>
    public static IReadOnlyList<ObservedContainer> Containers(
        IEnumerable<ContainerListResponse> containers,
        IEnumerable<NetworkResponse> networks,
        string? nodeId,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? aliasesByContainerId = null)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(networks);
        var overlays = new Overlays(networks);

        var observed = new List<ObservedContainer>();
        foreach (var container in containers)
        {
            var labels = container.Labels ?? new Dictionary<string, string>();
            if (string.IsNullOrEmpty(container.ID) || labels.ContainsKey(OverlayNames.AnchorLabel))
            {
                continue;
            }
            var addresses = new List<IPAddress>();
            var onNetworks = new List<string>();
            foreach (var (key, endpoint) in container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
            {
                var network = overlays.NameOf(key, endpoint);
                if (network is null)
                {
                    continue;
                }
                onNetworks.Add(network);
                AddAddress(addresses, endpoint!.IPAddress);
                AddAddress(addresses, endpoint.GlobalIPv6Address);
            }
            if (addresses.Count == 0)
            {
                continue;
            }
            observed.Add(new ObservedContainer(
                container.ID,
                nodeId,
                Label(labels, ServiceIdLabel),
                DiscoveredEndpoints.Create(
                    addresses,
                    Name(container.Names),
                    Label(labels, ServiceNameLabel),
                    labels,
                    onNetworks,
                    aliasesByContainerId?.GetValueOrDefault(container.ID))));
        }
        return observed;
    }

    /// <summary>
    /// An inspected container's aliases on the overlays whose addresses count, as given (Docker's own
    /// 12-hex short id among them on user networks: a container on the overlay can resolve it too).
    /// </summary>
    public static IReadOnlyList<string> OverlayAliases(ContainerInspectResponse container, IEnumerable<NetworkResponse> networks)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(networks);
        var overlays = new Overlays(networks);
        return (container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
            .Where(n => overlays.NameOf(n.Key, n.Value) is not null)
            .SelectMany(n => n.Value.Aliases ?? [])
            .Where(a => !string.IsNullOrEmpty(a))
            .ToList();
    }

    /// <summary>
    /// A manager's services and the running tasks among <paramref name="tasks"/> that have a container
    /// and an overlay address. A task's labels here are its container labels (the service's are added
    /// when views are merged); its name is the one swarm gives its container.
    /// </summary>
    public static SwarmView Swarm(IEnumerable<SwarmService> services, IEnumerable<TaskResponse> tasks)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(tasks);
        var facts = new Dictionary<string, ServiceFacts>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!string.IsNullOrEmpty(service.ID) && service.Spec?.Name is { Length: > 0 } name)
            {
                facts[service.ID] = new ServiceFacts(name, service.Spec.Labels is { } labels
                    ? new Dictionary<string, string>(labels, StringComparer.Ordinal)
                    : new Dictionary<string, string>(StringComparer.Ordinal));
            }
        }

        var observed = new List<ObservedContainer>();
        foreach (var task in tasks)
        {
            if (task.Status is not { State: TaskState.Running, ContainerStatus.ContainerID: { Length: > 0 } containerId }
                || task.ServiceID is null
                || !facts.TryGetValue(task.ServiceID, out var service))
            {
                continue;
            }
            var addresses = new List<IPAddress>();
            var onNetworks = new List<string>();
            var aliases = new List<string>();
            foreach (var attachment in task.NetworksAttachments ?? [])
            {
                if (attachment.Network?.Spec is not { Name: { Length: > 0 } network, Ingress: false } spec
                    || (attachment.Network.DriverState?.Name ?? spec.DriverConfiguration?.Name) != "overlay")
                {
                    continue;
                }
                onNetworks.Add(network);
                // The spec names a network by id or by name (docker service create --network-alias).
                aliases.AddRange((task.Spec?.Networks ?? [])
                    .Where(n => n.Target is { Length: > 0 } target && (target == attachment.Network.ID || target == network))
                    .SelectMany(n => n.Aliases ?? []));
                foreach (var address in attachment.Addresses ?? [])
                {
                    // Swarm gives attachment addresses with their prefix: 10.0.0.6/16.
                    AddAddress(addresses, address.Split('/')[0]);
                }
            }
            if (addresses.Count == 0)
            {
                continue;
            }
            var labels = task.Spec?.ContainerSpec?.Labels ?? new Dictionary<string, string>();
            observed.Add(new ObservedContainer(
                containerId,
                string.IsNullOrEmpty(task.NodeID) ? null : task.NodeID,
                task.ServiceID,
                DiscoveredEndpoints.Create(addresses, TaskContainerName(service.Name, task), service.Name, labels, onNetworks, aliases)));
        }
        return new SwarmView(facts, observed);
    }

    /// <summary>
    /// The name swarm gives a task's container (swarmkit's naming.Task): the task's own name when it
    /// has one, else SERVICE.SLOT.TASKID for a replicated task and SERVICE.NODEID.TASKID for a global one.
    /// </summary>
    public static string TaskContainerName(string service, TaskResponse task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!string.IsNullOrEmpty(task.Name))
        {
            return task.Name;
        }
        var slot = task.Slot != 0 ? task.Slot.ToString(CultureInfo.InvariantCulture) : task.NodeID;
        return string.Join('.', service, slot, task.ID);
    }

    /// <summary>The container's own name without Docker's leading slash (not a link alias such as /other/alias).</summary>
    private static string? Name(IList<string>? names) =>
        names?.Select(n => n.TrimStart('/')).FirstOrDefault(n => n.Length > 0 && !n.Contains('/', StringComparison.Ordinal));

    private static string? Label(IDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>The networks whose addresses count: overlays other than swarm's ingress.</summary>
    private sealed class Overlays
    {
        private readonly Dictionary<string, string> _byId;
        private readonly HashSet<string> _names;

        public Overlays(IEnumerable<NetworkResponse> networks)
        {
            var overlays = networks.Where(n => n.Driver == "overlay" && !n.Ingress && !string.IsNullOrEmpty(n.Name)).ToList();
            _byId = overlays.Where(n => !string.IsNullOrEmpty(n.ID)).ToDictionary(n => n.ID, n => n.Name, StringComparer.Ordinal);
            _names = overlays.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        }

        /// <summary>
        /// The overlay's name when a container's endpoint (under <paramref name="key"/> in the
        /// container's networks) is on one, else null; matched by network id, or by name when the
        /// engine left the id out.
        /// </summary>
        public string? NameOf(string key, EndpointSettings? endpoint) =>
            endpoint is null ? null
            : !string.IsNullOrEmpty(endpoint.NetworkID) ? _byId.GetValueOrDefault(endpoint.NetworkID)
            : _names.Contains(key) ? key : null;
    }

    private static void AddAddress(List<IPAddress> addresses, string? text)
    {
        if (!string.IsNullOrEmpty(text) && IPAddress.TryParse(text, out var address))
        {
            addresses.Add(address);
        }
    }
}
