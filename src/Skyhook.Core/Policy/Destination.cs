using System.Globalization;
using System.Net;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Policy;

/// <summary>
/// What the data path knows about where a packet goes: address, protocol, port (tcp and udp only),
/// and the facts about the container at that address, or null when no known container has it.
/// </summary>
public sealed record Destination
{
    /// <exception cref="ArgumentException">The protocol is all, or the port is missing for tcp or
    /// udp, present for icmp, or outside 0-65535.</exception>
    public Destination(IPAddress address, Protocol protocol, int? port, EndpointFacts? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (protocol is not (Protocol.Tcp or Protocol.Udp or Protocol.Icmp))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "A packet is tcp, udp or icmp; 'all' appears only in rules.");
        }

        if (protocol is Protocol.Icmp ? port is not null : port is not (>= 0 and <= PortRange.MaxPort))
        {
            throw new ArgumentException(
                protocol is Protocol.Icmp ? "An icmp packet has no port." : $"A {protocol.ToText()} packet needs a port from 0 to {PortRange.MaxPort}.",
                nameof(port));
        }

        // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; a rule for 10.0.0.0/16 must still match them.
        Address = address.Unmapped();
        Protocol = protocol;
        Port = port;
        Endpoint = endpoint;
    }

    public IPAddress Address { get; }

    public Protocol Protocol { get; }

    /// <summary>Null for icmp.</summary>
    public int? Port { get; }

    public EndpointFacts? Endpoint { get; }

    /// <summary>Such as <c>tcp/80 to 10.0.0.12 (web1)</c> or <c>icmp to 10.0.3.7</c>.</summary>
    public override string ToString() => Port is { } port
        ? string.Create(CultureInfo.InvariantCulture, $"{Protocol.ToText()}/{port} to {Subject}")
        : $"{Protocol.ToText()} to {Subject}";

    /// <summary>The address, followed by the container name when one is known.</summary>
    internal string Subject => Endpoint?.Container is { } container ? $"{Address} ({container})" : Address.ToString();
}
