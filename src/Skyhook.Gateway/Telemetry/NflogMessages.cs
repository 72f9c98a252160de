using System.Buffers.Binary;

namespace Skyhook.Gateway.Telemetry;

/// <summary>A packet logged to an nflog group: its bytes from the network header (cut at the rule's
/// snaplen) and the kernel's timestamp when it gave one.</summary>
public delegate void NflogPacketHandler(int group, ReadOnlySpan<byte> payload, DateTimeOffset? at);

/// <summary>
/// The nfnetlink_log wire format (linux/netfilter/nfnetlink_log.h): the configuration requests a
/// reader sends (bind to a group, copy mode) and the datagrams it receives. Parsing trusts no length:
/// every netlink header and attribute is checked against what holds it, and a message that does not
/// fit ends the datagram's parse, never throws.
/// </summary>
public static class NflogMessages
{
    /// <summary>NETLINK_NETFILTER.</summary>
    public const int NetlinkNetfilter = 12;

    public const ushort ErrorType = 2;

    private const int NetlinkHeader = 16;
    private const int GenericHeader = 4;
    private const int AttributeHeader = 4;
    private const ushort SubsystemUlog = 4;
    private const ushort PacketType = SubsystemUlog << 8;
    private const ushort ConfigType = (SubsystemUlog << 8) | 1;
    private const ushort Request = 1;
    private const ushort Acknowledge = 4;
    private const ushort ConfigCommand = 1;
    private const ushort ConfigMode = 2;
    private const ushort AttributeTimestamp = 3;
    private const ushort AttributePayload = 9;
    private const ushort AttributeTypeMask = 0x3FFF;
    private const byte CommandBind = 1;
    private const byte CopyPacket = 2;

    /// <summary>Binds this socket to <paramref name="group"/>: the kernel then sends it every packet logged there.</summary>
    public static byte[] Bind(int group, uint sequence) => Config(group, sequence, ConfigCommand, [CommandBind]);

    /// <summary>Copy each packet, at most <paramref name="range"/> bytes of it (the rule's snaplen cuts further).</summary>
    public static byte[] CopyMode(int group, uint sequence, int range)
    {
        var mode = new byte[6];
        BinaryPrimitives.WriteUInt32BigEndian(mode, (uint)range);
        mode[4] = CopyPacket;
        return Config(group, sequence, ConfigMode, mode);
    }

    /// <summary>The error code (0 for success, else a negative errno) of the acknowledgement of
    /// <paramref name="sequence"/> in <paramref name="datagram"/>, or null when it holds none.</summary>
    public static int? Acknowledgement(ReadOnlySpan<byte> datagram, uint sequence)
    {
        while (Next(ref datagram, out var type, out var message))
        {
            if (type == ErrorType && message.Length >= NetlinkHeader + 4 + NetlinkHeader
                && BinaryPrimitives.ReadUInt32LittleEndian(message[(NetlinkHeader + 4 + 8)..]) == sequence)
            {
                return BinaryPrimitives.ReadInt32LittleEndian(message[NetlinkHeader..]);
            }
        }

        return null;
    }

    /// <summary>Hands every logged packet in <paramref name="datagram"/> to <paramref name="handler"/>; returns how many.</summary>
    public static int ReadPackets(ReadOnlySpan<byte> datagram, NflogPacketHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var count = 0;
        while (Next(ref datagram, out var type, out var message))
        {
            if (type != PacketType || message.Length < NetlinkHeader + GenericHeader)
            {
                continue;
            }

            var group = BinaryPrimitives.ReadUInt16BigEndian(message[(NetlinkHeader + 2)..]);
            var attributes = message[(NetlinkHeader + GenericHeader)..];
            var payload = attributes[..0];
            var hasPayload = false;
            DateTimeOffset? at = null;
            while (attributes.Length >= AttributeHeader)
            {
                var length = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
                var attributeType = BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & AttributeTypeMask;
                if (length < AttributeHeader || length > attributes.Length)
                {
                    break;
                }

                var value = attributes[AttributeHeader..length];
                if (attributeType == AttributePayload)
                {
                    payload = value;
                    hasPayload = true;
                }
                else if (attributeType == AttributeTimestamp && value.Length >= 16)
                {
                    var seconds = BinaryPrimitives.ReadInt64BigEndian(value);
                    var micros = BinaryPrimitives.ReadInt64BigEndian(value[8..]);
                    if (seconds is > 0 and < 253_402_300_799 && micros is >= 0 and < 1_000_000)
                    {
                        at = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
                    }
                }

                attributes = attributes[Math.Min(Align(length), attributes.Length)..];
            }

            if (hasPayload)
            {
                handler(group, payload, at);
                count++;
            }
        }

        return count;
    }

    /// <summary>The next netlink message (header included) and its type; false at the end or at a length that does not fit.</summary>
    private static bool Next(ref ReadOnlySpan<byte> datagram, out ushort type, out ReadOnlySpan<byte> message)
    {
        type = 0;
        message = default;
        if (datagram.Length < NetlinkHeader)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
        if (length < NetlinkHeader || length > datagram.Length)
        {
            return false;
        }

        type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
        message = datagram[..(int)length];
        datagram = datagram[Math.Min(Align((int)length), datagram.Length)..];
        return true;
    }

    private static int Align(int length) => (length + 3) & ~3;

    private static byte[] Config(int group, uint sequence, ushort attributeType, ReadOnlySpan<byte> value)
    {
        var attributeLength = AttributeHeader + value.Length;
        var message = new byte[NetlinkHeader + GenericHeader + Align(attributeLength)];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), ConfigType);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), Request | Acknowledge);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        // nfgenmsg: family AF_UNSPEC, version 0, the group as res_id (big-endian).
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(NetlinkHeader + 2), checked((ushort)group));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(NetlinkHeader + GenericHeader), (ushort)attributeLength);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(NetlinkHeader + GenericHeader + 2), attributeType);
        value.CopyTo(message.AsSpan(NetlinkHeader + GenericHeader + AttributeHeader));
        return message;
    }
}
