using System.Buffers.Binary;

namespace Skyhook.Core.Dns;

/// <summary>
/// The DNS wire format (RFC 1035, EDNS0 from RFC 6891) as the gateway's DNS server needs it: queries from
/// VPN clients in, answers and error replies out, queries to upstream resolvers out, their responses in and,
/// from the cache, out again. Client input is hostile: the readers never throw, never read out of bounds and
/// do a bounded amount of work; the writers allocate nothing on the per-query path.
/// </summary>
public static partial class DnsMessages
{
    public const int HeaderLength = 12;

    /// <summary>What we advertise in our OPT record (DNS flag day 2020: no IP fragmentation).</summary>
    public const int MaxUdpAnswer = 1232;

    /// <summary>The UDP payload every DNS client takes (RFC 1035), and the least an OPT record may claim.</summary>
    public const int MinUdpPayload = 512;

    // More than a stub client has any use for; what the gateway answers fits far below it.
    private const int MaxUdpPayload = 4096;

    private const int OptLength = 11;
    private const int RecordFixedLength = 10;
    private const ushort ClassIn = 1;

    private const ushort QrFlag = 0x8000;
    private const ushort AaFlag = 0x0400;
    private const ushort TcFlag = 0x0200;
    private const ushort RdFlag = 0x0100;
    private const ushort RaFlag = 0x0080;
    private const ushort CdFlag = 0x0010;
    private const ushort DoFlag = 0x8000;
    private const int OpcodeShift = 11;
    private const int RcodeMask = 0x000F;

    /// <summary>
    /// Parses a query: exactly one question, no answer or authority records, at most one additional record
    /// which must be OPT. Labels of 1 to 63 bytes of printable ASCII other than '.', a name of at most 255
    /// bytes on the wire, no compression; no bytes after the last record. On
    /// <see cref="DnsQueryParse.FormatError"/> and <see cref="DnsQueryParse.NotImplemented"/>,
    /// <paramref name="query"/> holds at least the header's id, opcode, RD and CD so that an error reply can
    /// be written. The OPT record's EDNS version and options are not looked at: we implement none.
    /// Allocates only <see cref="DnsQuery.Name"/>.
    /// </summary>
    public static DnsQueryParse ParseQuery(ReadOnlySpan<byte> message, out DnsQuery query)
    {
        query = default;
        if (message.Length < HeaderLength)
        {
            return DnsQueryParse.Ignore;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & QrFlag) != 0)
        {
            return DnsQueryParse.Ignore;
        }

        var opcode = (byte)((flags >> OpcodeShift) & 0xF);
        query = new DnsQuery(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            opcode,
            (flags & RdFlag) != 0,
            (flags & CdFlag) != 0,
            string.Empty,
            Type: 0,
            Class: 0,
            QuestionEnd: 0,
            HasEdns: false,
            MinUdpPayload,
            DnssecOk: false);
        if (opcode != 0)
        {
            return DnsQueryParse.NotImplemented;
        }

        var counts = ReadCounts(message);
        if (counts.Questions != 1 || counts.Answers != 0 || counts.Authority != 0 || counts.Additional > 1
            || !DnsNames.TryReadQueryName(message, HeaderLength, out var nameEnd)
            || nameEnd + 4 > message.Length)
        {
            return DnsQueryParse.FormatError;
        }

        var questionEnd = nameEnd + 4;
        query = query with
        {
            Name = DnsNames.ToLowerText(message[HeaderLength..nameEnd]),
            Type = BinaryPrimitives.ReadUInt16BigEndian(message[nameEnd..]),
            Class = BinaryPrimitives.ReadUInt16BigEndian(message[(nameEnd + 2)..]),
            QuestionEnd = questionEnd,
        };

        var end = questionEnd;
        if (counts.Additional == 1)
        {
            if (!TryReadOpt(message, questionEnd, out end, out var payload, out var dnssecOk))
            {
                return DnsQueryParse.FormatError;
            }

            query = query with
            {
                HasEdns = true,
                UdpPayloadSize = (ushort)Math.Clamp(payload, MinUdpPayload, MaxUdpPayload),
                DnssecOk = dnssecOk,
            };
        }

        return end == message.Length ? DnsQueryParse.Ok : DnsQueryParse.FormatError;
    }

    /// <summary>An OPT record (RFC 6891 section 6.1.2): root owner, type 41, CLASS the payload size.</summary>
    private static bool TryReadOpt(ReadOnlySpan<byte> message, int offset, out int end, out int payload, out bool dnssecOk)
    {
        end = 0;
        payload = 0;
        dnssecOk = false;
        if (offset + OptLength > message.Length || message[offset] != 0
            || BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 1)..]) != (ushort)DnsRecordType.Opt)
        {
            return false;
        }

        payload = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 3)..]);
        dnssecOk = (BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 7)..]) & DoFlag) != 0;
        end = offset + OptLength + BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 9)..]);
        return end <= message.Length;
    }

    private static (int Questions, int Answers, int Authority, int Additional) ReadCounts(ReadOnlySpan<byte> message) => (
        BinaryPrimitives.ReadUInt16BigEndian(message[4..]),
        BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
        BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
        BinaryPrimitives.ReadUInt16BigEndian(message[10..]));

    private static void WriteHeader(Span<byte> destination, ushort id, int flags, int questions, int answers, int additional)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)flags);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)questions);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], (ushort)answers);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)additional);
    }

    /// <summary>Our OPT record: root owner, payload <see cref="MaxUdpAnswer"/>, version 0, no options.</summary>
    private static int WriteOpt(Span<byte> destination, bool dnssecOk)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)DnsRecordType.Opt);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], MaxUdpAnswer);
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[7..], dnssecOk ? DoFlag : (ushort)0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], 0);
        return OptLength;
    }
}
