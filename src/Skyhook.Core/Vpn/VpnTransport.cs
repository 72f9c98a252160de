namespace Skyhook.Core.Vpn;

/// <summary>How clients reach a group's gateways: UDP (the default, fastest) or TCP (through TCP load balancers).</summary>
public enum VpnTransport
{
    Udp,
    Tcp,
}
