using System.Buffers.Binary;

namespace Skyhook.Core.Dns;

public static partial class DnsMessages
{
    // Far above what any real response needs (a name jumps about once), far below what makes a 64 KiB
    // response of pointer chains expensive.
    private const int MaxJumpsPerResponse = 4096;

    // The SOA RDATA after MNAME and RNAME: SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM.
    private const int SoaFixedLength = 20;

    // What TryReadResponse hands out when it answers false, so that the out parameter need not be null.
    private static readonly DnsResponseInfo NotRead = new(DnsResponseCode.ServerFailure, false, 0, 0, null, []);

    /// <summary>
    /// A query to an upstream resolver: <paramref name="id"/>, RD set, one question, and our OPT record
    /// with the DO bit as given. <paramref name="name"/> is text as in <see cref="DnsQuery.Name"/>.
    /// </summary>
    /// <returns>The length written (at most 282 bytes).</returns>
    /// <exception cref="ArgumentException">The name cannot be encoded: an empty label, a label over 63
    /// bytes, over 255 bytes on the wire, or a character outside printable ASCII.</exception>
    public static int WriteQuery(Span<byte> destination, ushort id, string name, ushort type, ushort @class, bool dnssecOk)
    {
        WriteHeader(destination, id, RdFlag, questions: 1, answers: 0, additional: 1);
        var position = HeaderLength + DnsNames.Write(destination[HeaderLength..], name);
        BinaryPrimitives.WriteUInt16BigEndian(destination[position..], type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 2)..], @class);
        return position + 4 + WriteOpt(destination[(position + 4)..], dnssecOk);
    }

    /// <summary>
    /// Reads an upstream response to the query we sent. False unless QR is set, the id is
    /// <paramref name="expectedId"/> and the one question is ours (name ignoring case, uncompressed, type,
    /// class); false too for anything malformed in any record of any section, or bytes after the last.
    /// A response with TC set must still be well formed (counts matching its records), as RFC 2181
    /// section 9 asks. Unknown RCODEs read as <see cref="DnsResponseCode.ServerFailure"/>.
    /// </summary>
    public static bool TryReadResponse(ReadOnlySpan<byte> response, ushort expectedId, string name, ushort type, ushort @class, out DnsResponseInfo info)
    {
        info = NotRead;
        if (response.Length < HeaderLength)
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(response[2..]);
        var counts = ReadCounts(response);
        if ((flags & QrFlag) == 0 || BinaryPrimitives.ReadUInt16BigEndian(response) != expectedId || counts.Questions != 1
            || !DnsNames.TryMatch(response, HeaderLength, name, out var nameEnd) || nameEnd + 4 > response.Length
            || BinaryPrimitives.ReadUInt16BigEndian(response[nameEnd..]) != type
            || BinaryPrimitives.ReadUInt16BigEndian(response[(nameEnd + 2)..]) != @class)
        {
            return false;
        }

        var questionEnd = nameEnd + 4;
        var position = questionEnd;
        var jumpBudget = MaxJumpsPerResponse;
        var records = counts.Answers + counts.Authority + counts.Additional;

        // Every record takes at least 11 bytes, so a lying count cannot make this list large.
        var ttlOffsets = new List<int>(Math.Min(records, (response.Length - position) / OptLength));
        uint? answerTtl = null;
        uint? soaTtl = null;
        for (var i = 0; i < records; i++)
        {
            if (!DnsNames.TrySkip(response, position, response.Length, ref jumpBudget, out var ownerEnd)
                || ownerEnd + RecordFixedLength > response.Length)
            {
                return false;
            }

            var recordType = BinaryPrimitives.ReadUInt16BigEndian(response[ownerEnd..]);
            var ttl = ReadTtl(response[(ownerEnd + 4)..]);
            var rdataStart = ownerEnd + RecordFixedLength;
            var rdataEnd = rdataStart + BinaryPrimitives.ReadUInt16BigEndian(response[(ownerEnd + 8)..]);
            if (rdataEnd > response.Length)
            {
                return false;
            }

            // OPT's TTL field holds the extended RCODE and flags, not a time: aging it would corrupt them.
            if (recordType != (ushort)DnsRecordType.Opt)
            {
                ttlOffsets.Add(ownerEnd + 4);
                if (i < counts.Answers)
                {
                    answerTtl = Math.Min(answerTtl ?? uint.MaxValue, ttl);
                }
            }

            if (recordType == (ushort)DnsRecordType.Soa && i >= counts.Answers && i < counts.Answers + counts.Authority)
            {
                if (!TryReadSoaMinimum(response, rdataStart, rdataEnd, ref jumpBudget, out var minimum))
                {
                    return false;
                }

                soaTtl = Math.Min(soaTtl ?? uint.MaxValue, Math.Min(ttl, minimum));
            }

            position = rdataEnd;
        }

        if (position != response.Length)
        {
            return false;
        }

        var rcode = flags & RcodeMask;
        var code = rcode <= (int)DnsResponseCode.Refused ? (DnsResponseCode)rcode : DnsResponseCode.ServerFailure;

        // RFC 2308: a negative answer lives as long as the SOA's TTL and its MINIMUM allow, and without an
        // SOA it must not be cached at all.
        var cacheTtl = code switch
        {
            DnsResponseCode.NoError when counts.Answers > 0 => answerTtl,
            DnsResponseCode.NoError or DnsResponseCode.NameError => soaTtl,
            _ => null,
        };
        info = new DnsResponseInfo(code, (flags & TcFlag) != 0, counts.Answers, questionEnd, cacheTtl, ttlOffsets);
        return true;
    }

    /// <summary>
    /// Prepares a stored upstream response for one client, in place: the client's id, the client's question
    /// bytes (same length as the stored one: <see cref="TryReadResponse"/> matched it ignoring only case),
    /// the client's RD bit, and every TTL at <paramref name="ttlOffsets"/> lowered by
    /// <paramref name="elapsedSeconds"/>, not below 0. Allocates nothing.
    /// </summary>
    public static void Personalize(Span<byte> response, ReadOnlySpan<byte> query, in DnsQuery parsed, uint elapsedSeconds, IReadOnlyList<int> ttlOffsets)
    {
        BinaryPrimitives.WriteUInt16BigEndian(response, parsed.Id);
        query[HeaderLength..parsed.QuestionEnd].CopyTo(response[HeaderLength..]);
        const byte rdBit = RdFlag >> 8;
        response[2] = (byte)((response[2] & ~rdBit) | (parsed.RecursionDesired ? rdBit : 0));
        for (var i = 0; i < ttlOffsets.Count; i++)
        {
            var field = response[ttlOffsets[i]..];
            var ttl = ReadTtl(field);
            BinaryPrimitives.WriteUInt32BigEndian(field, ttl > elapsedSeconds ? ttl - elapsedSeconds : 0);
        }
    }

    /// <summary>SOA RDATA: MNAME and RNAME (possibly compressed), then 20 bytes ending in MINIMUM.</summary>
    private static bool TryReadSoaMinimum(ReadOnlySpan<byte> response, int rdataStart, int rdataEnd, ref int jumpBudget, out uint minimum)
    {
        minimum = 0;
        if (!DnsNames.TrySkip(response, rdataStart, rdataEnd, ref jumpBudget, out var mnameEnd)
            || !DnsNames.TrySkip(response, mnameEnd, rdataEnd, ref jumpBudget, out var rnameEnd)
            || rnameEnd + SoaFixedLength != rdataEnd)
        {
            return false;
        }

        minimum = ReadTtl(response[(rdataEnd - 4)..]);
        return true;
    }

    /// <summary>A TTL with the top bit set counts as 0 (RFC 2181 section 8).</summary>
    private static uint ReadTtl(ReadOnlySpan<byte> field)
    {
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(field);
        return ttl > int.MaxValue ? 0 : ttl;
    }
}
