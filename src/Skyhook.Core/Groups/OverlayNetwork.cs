using Skyhook.Core.Addressing;

namespace Skyhook.Core.Groups;

/// <summary>
/// Container access to one Docker overlay network: the gateways attach to it and route its subnet.
/// Join is null when the gateway hosts are already swarm nodes.
/// </summary>
public sealed record OverlayNetwork(string Name, Cidr Subnet, bool Enabled = true, SwarmJoin? Join = null);
