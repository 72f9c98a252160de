namespace Skyhook.Core.Dns;

/// <summary>
/// A parsed query. <paramref name="Name"/>: the question name in lowercase ASCII, labels joined with
/// '.', no trailing dot, "" for the root. <paramref name="QuestionEnd"/>: the offset just after the
/// question section in the received message. <paramref name="UdpPayloadSize"/>: the EDNS0 OPT record's
/// payload size clamped to [512, 4096]; 512 without EDNS.
/// </summary>
public readonly record struct DnsQuery(
    ushort Id,
    byte Opcode,
    bool RecursionDesired,
    bool CheckingDisabled,
    string Name,
    ushort Type,
    ushort Class,
    int QuestionEnd,
    bool HasEdns,
    ushort UdpPayloadSize,
    bool DnssecOk);
