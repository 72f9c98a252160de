using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// The headers of a logged IPv4 or IPv6 packet, as far as flows and web events need them: addresses,
/// protocol, ports (tcp, udp), ICMP type and code, and for TCP the sequence number and where the
/// payload starts. <see cref="TryRead"/> checks every length against the bytes it has and never throws.
/// </summary>
/// <param name="PayloadLength">The TCP payload's length as the IP header says it (the copy may hold less: <see cref="Captured"/>).</param>
public readonly record struct IpPacket(
    ConntrackEntry Entry,
    uint Sequence,
    int PayloadOffset,
    int PayloadLength)
{
    private const int MaxExtensionHeaders = 8;

    /// <summary>The TCP payload bytes the copy holds.</summary>
    public ReadOnlySpan<byte> Captured(ReadOnlySpan<byte> packet) =>
        PayloadOffset >= packet.Length ? default : packet.Slice(PayloadOffset, Math.Min(PayloadLength, packet.Length - PayloadOffset));

    public static bool TryRead(ReadOnlySpan<byte> packet, out IpPacket result)
    {
        result = default;
        if (packet.Length < 1)
        {
            return false;
        }

        AddressFamily family;
        IPAddress source, destination;
        int protocol, offset, end;
        var fragment = false;
        switch (packet[0] >> 4)
        {
            case 4:
                var headerLength = (packet[0] & 0x0F) * 4;
                if (headerLength < 20 || packet.Length < headerLength)
                {
                    return false;
                }

                family = AddressFamily.InterNetwork;
                end = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
                fragment = (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF) != 0;
                protocol = packet[9];
                source = new IPAddress(packet.Slice(12, 4));
                destination = new IPAddress(packet.Slice(16, 4));
                offset = headerLength;
                break;
            case 6:
                if (packet.Length < 40)
                {
                    return false;
                }

                family = AddressFamily.InterNetworkV6;
                end = 40 + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
                protocol = packet[6];
                source = new IPAddress(packet.Slice(8, 16));
                destination = new IPAddress(packet.Slice(24, 16));
                offset = 40;
                // Hop-by-hop, routing and destination options are skipped; a fragment has no transport header we may trust.
                for (var i = 0; i < MaxExtensionHeaders && protocol is 0 or 43 or 60 or 44; i++)
                {
                    if (protocol == 44 || packet.Length < offset + 8)
                    {
                        fragment = true;
                        break;
                    }

                    protocol = packet[offset];
                    offset += (packet[offset + 1] + 1) * 8;
                }

                break;
            default:
                return false;
        }

        if (end < offset)
        {
            return false;
        }

        var transport = fragment || packet.Length < offset ? default : packet[offset..];
        switch (protocol)
        {
            case ConntrackEntry.Tcp or ConntrackEntry.Udp when transport.Length >= (protocol == ConntrackEntry.Tcp ? 20 : 8):
                var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(transport);
                var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[2..]);
                var entry = new ConntrackEntry(family, protocol, source, destination, sourcePort, destinationPort);
                if (protocol == ConntrackEntry.Udp)
                {
                    result = new IpPacket(entry, 0, packet.Length, 0);
                    return true;
                }

                var dataOffset = (transport[12] >> 4) * 4;
                if (dataOffset < 20 || offset + dataOffset > end)
                {
                    return false;
                }

                result = new IpPacket(entry, BinaryPrimitives.ReadUInt32BigEndian(transport[4..]), offset + dataOffset, end - offset - dataOffset);
                return true;
            case ConntrackEntry.Icmp or ConntrackEntry.Icmpv6 when transport.Length >= 2:
                result = new IpPacket(new ConntrackEntry(family, protocol, source, destination, IcmpType: transport[0], IcmpCode: transport[1]), 0, packet.Length, 0);
                return true;
            case ConntrackEntry.Tcp or ConntrackEntry.Udp or ConntrackEntry.Icmp or ConntrackEntry.Icmpv6:
                // Cut before its transport header, or a later fragment: no ports to judge by.
                return false;
            default:
                result = new IpPacket(new ConntrackEntry(family, protocol, source, destination), 0, packet.Length, 0);
                return true;
        }
    }
}
