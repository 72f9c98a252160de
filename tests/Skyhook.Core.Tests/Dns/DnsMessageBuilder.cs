using System.Buffers.Binary;
using System.Text;

namespace Skyhook.Core.Tests.Dns;

/// <summary>Writes DNS messages byte by byte, so that tests can also write the malformed ones.</summary>
internal sealed class DnsMessageBuilder
{
    public const ushort Rd = 0x0100;
    public const ushort Qr = 0x8000;

    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    /// <summary>A plain query: RD set, one question of class IN, optionally our kind of OPT record.</summary>
    public static byte[] Query(string name, ushort type, ushort id = 0x1234, ushort? ednsPayload = null, bool dnssecOk = false)
    {
        var builder = new DnsMessageBuilder().Header(id, Rd, 1, 0, 0, ednsPayload is null ? 0 : 1).Question(name, type);
        if (ednsPayload is { } payload)
        {
            builder.Opt(payload, dnssecOk);
        }

        return builder.Build();
    }

    public DnsMessageBuilder Header(ushort id, int flags, int questions, int answers, int authority, int additional) =>
        UInt16(id).UInt16(flags).UInt16(questions).UInt16(answers).UInt16(authority).UInt16(additional);

    /// <summary>Labels as given (letter case kept), then the terminating zero; "" is the root.</summary>
    public DnsMessageBuilder Name(string name)
    {
        Labels(name);
        return Bytes(0);
    }

    /// <summary>Labels as given, ending in a compression pointer instead of a zero.</summary>
    public DnsMessageBuilder NameWithPointer(string labels, int target)
    {
        Labels(labels);
        return Pointer(target);
    }

    public DnsMessageBuilder Pointer(int target) => UInt16(0xC000 | target);

    public DnsMessageBuilder Question(string name, ushort type, ushort @class = 1) => Name(name).UInt16(type).UInt16(@class);

    public DnsMessageBuilder Opt(ushort payload, bool dnssecOk = false) =>
        Bytes(0).UInt16(41).UInt16(payload).UInt16(0).UInt16(dnssecOk ? 0x8000 : 0).UInt16(0);

    /// <summary>TYPE, CLASS IN, TTL, RDLENGTH and RDATA, after an owner name the caller wrote.</summary>
    public DnsMessageBuilder RecordData(ushort type, uint ttl, byte[] rdata) =>
        UInt16(type).UInt16(1).UInt32(ttl).UInt16(rdata.Length).Bytes(rdata);

    /// <summary>An SOA record's RDATA: MNAME and RNAME uncompressed, then the five numbers.</summary>
    public static byte[] SoaData(string mname, string rname, uint minimum) =>
        new DnsMessageBuilder().Name(mname).Name(rname).UInt32(2024010101).UInt32(3600).UInt32(600).UInt32(86400).UInt32(minimum).Build();

    public DnsMessageBuilder UInt16(int value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)value);
        return Bytes(buffer.ToArray());
    }

    public DnsMessageBuilder UInt32(uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        return Bytes(buffer.ToArray());
    }

    public DnsMessageBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] Build() => [.. _bytes];

    private void Labels(string name)
    {
        if (name.Length == 0)
        {
            return;
        }

        foreach (var label in name.Split('.'))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            Bytes((byte)bytes.Length).Bytes(bytes);
        }
    }
}
