using Docker.DotNet.Models;

namespace Skyhook.Gateway.Tests.Discovery;

/// <summary>Docker.DotNet response objects shaped like the lab's engines answered them (Docker 20.10).</summary>
internal static class DockerModels
{
    public const string OverlayId = "cpme8dp2i4bzhsdw28ty12dka";
    public const string ServiceId = "i5mdgso1kwdew034w54mrmal3";
    public const string Node1 = "pvjt8q96lw2agnu1u0cor5mj3";
    public const string Node2 = "rez6uhfivau93nlmf8449tayn";

    public static NetworkResponse OverlayNetwork(string name = "multi-host-overlay", string id = OverlayId, bool ingress = false) =>
        new() { ID = id, Name = name, Driver = "overlay", Scope = "swarm", Ingress = ingress };

    public static NetworkResponse Bridge() => new() { ID = "b1", Name = "bridge", Driver = "bridge", Scope = "local" };

    public static ContainerListResponse Container(string id, string name, Dictionary<string, string> labels, params (string Network, string NetworkId, string Address)[] networks) =>
        new()
        {
            ID = id,
            Names = ["/" + name],
            Labels = labels,
            State = "running",
            NetworkSettings = new SummaryNetworkSettings
            {
                Networks = networks.ToDictionary(n => n.Network, n => new EndpointSettings { NetworkID = n.NetworkId, IPAddress = n.Address, IPPrefixLen = 16 }),
            },
        };

    public static SwarmService Service(string id, string name, Dictionary<string, string> labels) =>
        new() { ID = id, Spec = new ServiceSpec { Name = name, Labels = labels } };

    public static TaskResponse Task(string id, long slot, string node, string containerId, Dictionary<string, string> labels, params string[] addresses) =>
        new()
        {
            ID = id,
            ServiceID = ServiceId,
            Slot = slot,
            NodeID = node,
            DesiredState = TaskState.Running,
            Status = new global::Docker.DotNet.Models.TaskStatus { State = TaskState.Running, ContainerStatus = new ContainerStatus { ContainerID = containerId } },
            Spec = new TaskSpec { ContainerSpec = new ContainerSpec { Labels = labels } },
            NetworksAttachments =
            [
                new NetworkAttachment
                {
                    Network = new Network { ID = OverlayId, Spec = new NetworkSpec { Name = "multi-host-overlay" }, DriverState = new SwarmDriver { Name = "overlay" } },
                    Addresses = addresses,
                },
            ],
        };
}
