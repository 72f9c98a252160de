using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Core.Dns;

public static partial class DnsMessages
{
    // The owner name of every answer record: a pointer to the question's name right after the header.
    private const ushort PointerToQuestion = 0xC000 | HeaderLength;

    /// <summary>
    /// An answer to <paramref name="query"/> (the received bytes; <paramref name="parsed"/> from
    /// <see cref="ParseQuery"/> with <see cref="DnsQueryParse.Ok"/>): the question copied as received (it
    /// keeps the client's letter case, which some clients check), one A or AAAA record per address of the
    /// family the question asks for, and our OPT record when the query had one. When the records would
    /// make the message longer than <paramref name="maxLength"/>, writes none and sets TC so the client
    /// retries over TCP. Allocates nothing.
    /// </summary>
    /// <returns>The length written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> cannot hold even the
    /// header, question and OPT record; 512 always can.</exception>
    public static int WriteAnswer(
        Span<byte> destination,
        ReadOnlySpan<byte> query,
        in DnsQuery parsed,
        DnsResponseCode code,
        bool authoritative,
        IReadOnlyList<IPAddress> addresses,
        uint ttl,
        int maxLength)
    {
        var limit = Math.Min(Math.Min(maxLength, destination.Length), ushort.MaxValue);
        var question = query[HeaderLength..parsed.QuestionEnd];
        var optLength = parsed.HasEdns ? OptLength : 0;
        var minimum = HeaderLength + question.Length + optLength;
        if (minimum > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Too small for the header, the question and the OPT record.");
        }

        var (family, addressLength) = parsed.Type switch
        {
            (ushort)DnsRecordType.A => (AddressFamily.InterNetwork, 4),
            (ushort)DnsRecordType.Aaaa => (AddressFamily.InterNetworkV6, 16),
            _ => (AddressFamily.Unknown, 0),
        };
        var records = 0;
        if (addressLength > 0)
        {
            for (var i = 0; i < addresses.Count; i++)
            {
                records += addresses[i].AddressFamily == family ? 1 : 0;
            }
        }

        var recordLength = RecordFixedLength + 2 + addressLength;
        var truncated = (long)records * recordLength > limit - minimum;
        if (truncated)
        {
            records = 0;
        }

        var flags = ReplyFlags(parsed, code) | (authoritative ? AaFlag : 0) | (truncated ? TcFlag : 0);
        WriteHeader(destination, parsed.Id, flags, questions: 1, records, parsed.HasEdns ? 1 : 0);
        question.CopyTo(destination[HeaderLength..]);
        var position = HeaderLength + question.Length;
        for (var i = 0; i < addresses.Count && records > 0; i++)
        {
            if (addresses[i].AddressFamily != family)
            {
                continue;
            }

            var record = destination[position..];
            BinaryPrimitives.WriteUInt16BigEndian(record, PointerToQuestion);
            BinaryPrimitives.WriteUInt16BigEndian(record[2..], parsed.Type);
            BinaryPrimitives.WriteUInt16BigEndian(record[4..], ClassIn);
            BinaryPrimitives.WriteUInt32BigEndian(record[6..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(record[10..], (ushort)addressLength);
            addresses[i].TryWriteBytes(record[12..], out _);
            position += recordLength;
        }

        if (parsed.HasEdns)
        {
            position += WriteOpt(destination[position..], parsed.DnssecOk);
        }

        return position;
    }

    /// <summary>
    /// An error reply (FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED): the header, the question copied when
    /// <paramref name="questionParsed"/> (else QDCOUNT 0), and our OPT record when the query had one. Never
    /// longer than the query plus 11 bytes, so the gateway cannot be used to amplify. Allocates nothing.
    /// </summary>
    /// <returns>The length written.</returns>
    public static int WriteError(Span<byte> destination, ReadOnlySpan<byte> query, in DnsQuery parsed, bool questionParsed, DnsResponseCode code)
    {
        var question = questionParsed ? query[HeaderLength..parsed.QuestionEnd] : [];
        WriteHeader(destination, parsed.Id, ReplyFlags(parsed, code), questionParsed ? 1 : 0, answers: 0, parsed.HasEdns ? 1 : 0);
        question.CopyTo(destination[HeaderLength..]);
        var position = HeaderLength + question.Length;
        if (parsed.HasEdns)
        {
            position += WriteOpt(destination[position..], parsed.DnssecOk);
        }

        return position;
    }

    /// <summary>
    /// For a UDP client whose allowance is smaller than <paramref name="response"/>: its header with TC set
    /// and no records, then its question (up to <paramref name="questionEnd"/>).
    /// </summary>
    /// <returns>The length written.</returns>
    public static int WriteTruncated(Span<byte> destination, ReadOnlySpan<byte> response, int questionEnd)
    {
        response[..questionEnd].CopyTo(destination);
        destination[2] |= TcFlag >> 8;
        destination[6..HeaderLength].Clear();
        return questionEnd;
    }

    private static int ReplyFlags(in DnsQuery parsed, DnsResponseCode code) =>
        QrFlag
        | (parsed.Opcode << OpcodeShift)
        | (parsed.RecursionDesired ? RdFlag : 0)
        | RaFlag
        | (parsed.CheckingDisabled ? CdFlag : 0)
        | ((int)code & RcodeMask);
}
