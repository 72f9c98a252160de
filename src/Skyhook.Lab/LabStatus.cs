using Skyhook.Lab.Demo;

namespace Skyhook.Lab;

/// <summary>What `skyhook lab status` reports, read from the host and the engines, not from memory.</summary>
public sealed record LabStatus(
    string Prefix,
    bool Exists,
    string? HostAddress,
    IReadOnlyList<MachineStatus> Nodes,
    IReadOnlyList<MachineStatus> Gateways,
    IReadOnlyList<MachineStatus> Desktops,
    OverlayStatus? Overlay,
    IReadOnlyList<WorkloadStatus> Workloads,
    DemoStatus? Demo = null);

/// <summary>A namespace standing for one machine: a swarm node, a gateway host or a desktop.</summary>
/// <param name="Engine">For machines with a dockerd: running, and its swarm state ("active", "inactive"...).</param>
public sealed record MachineStatus(string Name, string Namespace, IReadOnlyList<string> Addresses, EngineStatus? Engine);

public sealed record EngineStatus(bool Running, string? SwarmState, bool Manager, string Socket);

public sealed record OverlayStatus(string Name, string Subnet, bool Attachable);

/// <summary>A container of the lab's workloads, on the machine whose engine runs it.</summary>
/// <param name="Service">The swarm service it is a task of, or null for a plain container.</param>
public sealed record WorkloadStatus(
    string Name, string? Service, string Machine, string? OverlayAddress, bool Running, IReadOnlyDictionary<string, string> Labels);
