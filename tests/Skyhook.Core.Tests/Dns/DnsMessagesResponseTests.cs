using System.Buffers.Binary;
using Skyhook.Core.Dns;

namespace Skyhook.Core.Tests.Dns;

public sealed class DnsMessagesResponseTests
{
    private const ushort A = (ushort)DnsRecordType.A;

    [Fact]
    public void TryReadResponse_AnswersAuthorityAndOpt_ReadsEverything()
    {
        var response = Answers(id: 3, ttls: [300, 30]);

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));

        Assert.Equal(DnsResponseCode.NoError, info.Code);
        Assert.False(info.Truncated);
        Assert.Equal(2, info.AnswerCount);
        Assert.Equal(12 + 9 + 4, info.QuestionEnd);
        // The authority NS record's TTL of 10 is aged like the others but does not bound the cache time.
        Assert.Equal(30u, info.CacheTtl);
        Assert.Equal([25 + 6, 25 + 16 + 6, 25 + 32 + 6], info.TtlOffsets);
        Assert.Equal(300u, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(info.TtlOffsets[0])));
    }

    [Fact]
    public void TryReadResponse_QuestionInOtherCase_Matches()
    {
        var response = new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).Question("wEb.LAB", A).Build();

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        Assert.Null(info.CacheTtl);
    }

    public static TheoryData<string, byte[]> NotOurs() => new()
    {
        { "another id", Answers(id: 4, ttls: [1]) },
        { "QR clear", new DnsMessageBuilder().Header(3, 0x0180, 1, 0, 0, 0).Question("web.lab", A).Build() },
        { "another name", new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).Question("web.lab2", A).Build() },
        { "a shorter name", new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).Question("web", A).Build() },
        { "a longer name", new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).Question("www.web.lab", A).Build() },
        { "another type", new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).Question("web.lab", 28).Build() },
        { "another class", new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).Question("web.lab", A, 3).Build() },
        { "no question", new DnsMessageBuilder().Header(3, 0x8180, 0, 0, 0, 0).Build() },
        { "two questions", new DnsMessageBuilder().Header(3, 0x8180, 2, 0, 0, 0).Question("web.lab", A).Question("web.lab", A).Build() },
        { "a compressed question", new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 0).NameWithPointer("web", 12).UInt16(A).UInt16(1).Build() },
        { "a short header", new byte[11] },
        { "trailing bytes", new DnsMessageBuilder().Bytes(Answers(id: 3, ttls: [1])).Bytes(0).Build() },
        { "a missing record", new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A).Build() },
        { "RDLENGTH past the end", new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A).Pointer(12).UInt16(A).UInt16(1).UInt32(5).UInt16(5).Bytes(10, 0, 0, 1).Build() },
        { "a record cut in its fixed part", new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A).Pointer(12).UInt16(A).UInt16(1).UInt32(5).Build() },
        { "a pointer into the header", new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A).Pointer(4).RecordData(A, 5, [10, 0, 0, 1]).Build() },
        { "a forward pointer", new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A).Pointer(12 + 13 + 2).Bytes(0).RecordData(A, 5, [10, 0, 0, 1]).Build() },
        { "a pointer to itself", PointerToItself() },
        { "pointers at each other", PointersAtEachOther() },
        { "an extended label type", new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A).Bytes(0x41, 0).RecordData(A, 5, [10, 0, 0, 1]).Build() },
        { "a SOA with a byte too many", NegativeWithSoa(3, 3, DnsMessageBuilder.SoaData("ns", "host", 60).Append((byte)0).ToArray()) },
        { "a SOA with a byte too few", NegativeWithSoa(3, 3, DnsMessageBuilder.SoaData("ns", "host", 60)[..^1]) },
        { "a SOA name running out of its RDATA", NegativeWithSoa(3, 3, [3, (byte)'n', (byte)'s']) },
    };

    [Theory]
    [MemberData(nameof(NotOurs))]
    public void TryReadResponse_NotOursOrMalformed_IsFalse(string why, byte[] response)
    {
        Assert.False(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out _), why);
    }

    [Fact]
    public void TryReadResponse_ChainOf100Pointers_IsTrue()
    {
        Assert.True(DnsMessages.TryReadResponse(PointerChain(100), 3, "web.lab", A, 1, out var info));
        Assert.Equal(2, info.TtlOffsets.Count);
    }

    [Fact]
    public void TryReadResponse_ChainOf200Pointers_IsFalse()
    {
        Assert.False(DnsMessages.TryReadResponse(PointerChain(200), 3, "web.lab", A, 1, out _));
    }

    [Theory]
    [InlineData(57, true)]
    [InlineData(58, false)]
    public void TryReadResponse_NameThroughPointer_IsAtMost255Bytes(int firstLabel, bool expected)
    {
        // A record owned by a name of 1 + firstLabel + 1 bytes, then one whose owner is 196 bytes of labels
        // and a pointer to that name: 255 bytes in all with a first label of 57, 256 with 58.
        var builder = new DnsMessageBuilder().Header(3, 0x8180, 1, 2, 0, 0).Question("web.lab", A);
        var firstAt = builder.Length;
        builder.Name(new string('x', firstLabel)).RecordData(A, 5, [10, 0, 0, 1]);
        var owner = string.Join('.', Enumerable.Repeat(new string('y', 48), 4));
        var response = builder.NameWithPointer(owner, firstAt).RecordData(A, 5, [10, 0, 0, 2]).Build();

        Assert.Equal(expected, DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out _));
    }

    [Theory]
    [InlineData(900u, 300u, 300u)]
    [InlineData(60u, 300u, 60u)]
    [InlineData(0x80000000u, 300u, 0u)]
    [InlineData(900u, 0xFFFFFFFFu, 0u)]
    public void TryReadResponse_NxDomainWithSoa_CachesForTheSmallerOfTtlAndMinimum(uint soaTtl, uint minimum, uint expected)
    {
        var response = NxDomainWithSoa(9, soaTtl, minimum);

        Assert.True(DnsMessages.TryReadResponse(response, 9, "nothing.example", A, 1, out var info));
        Assert.Equal(DnsResponseCode.NameError, info.Code);
        Assert.Equal(0, info.AnswerCount);
        Assert.Equal(expected, info.CacheTtl);
        // The SOA's TTL, not the OPT record's: OPT's TTL field holds flags.
        var offset = Assert.Single(info.TtlOffsets);
        Assert.Equal(soaTtl, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(offset)));
    }

    [Fact]
    public void TryReadResponse_NoDataWithSoa_CachesForTheSoa()
    {
        var response = NegativeWithSoa(3, 0, DnsMessageBuilder.SoaData("ns", "host", 42));

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        Assert.Equal(DnsResponseCode.NoError, info.Code);
        Assert.Equal(42u, info.CacheTtl);
    }

    [Fact]
    public void TryReadResponse_SoaWithCompressedNames_IsRead()
    {
        // MNAME "ns" + pointer to "lab" in the question, RNAME a pointer to the question's name.
        var rdata = new DnsMessageBuilder().NameWithPointer("ns", 16).Pointer(12)
            .UInt32(1).UInt32(2).UInt32(3).UInt32(4).UInt32(77).Build();
        var response = NegativeWithSoa(3, 3, rdata);

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        Assert.Equal(77u, info.CacheTtl);
    }

    [Fact]
    public void TryReadResponse_NoDataWithoutSoa_IsNotCached()
    {
        var response = new DnsMessageBuilder().Header(3, 0x8180, 1, 0, 0, 1).Question("web.lab", A).Opt(1232).Build();

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        Assert.Null(info.CacheTtl);
        Assert.Empty(info.TtlOffsets);
    }

    [Theory]
    [InlineData(2, DnsResponseCode.ServerFailure)]
    [InlineData(5, DnsResponseCode.Refused)]
    [InlineData(9, DnsResponseCode.ServerFailure)]
    [InlineData(15, DnsResponseCode.ServerFailure)]
    public void TryReadResponse_OtherRcode_IsNotCached(int rcode, DnsResponseCode expected)
    {
        var response = new DnsMessageBuilder().Header(3, 0x8180 | rcode, 1, 1, 0, 0).Question("web.lab", A)
            .Pointer(12).RecordData(A, 60, [10, 0, 0, 1]).Build();

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        Assert.Equal(expected, info.Code);
        Assert.Null(info.CacheTtl);
    }

    [Fact]
    public void TryReadResponse_Truncated_SaysSo()
    {
        var response = new DnsMessageBuilder().Header(3, 0x8380, 1, 0, 0, 0).Question("web.lab", A).Build();

        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        Assert.True(info.Truncated);
    }

    [Fact]
    public void TryReadResponse_AnswerTtlWithTopBit_CountsAsZero()
    {
        Assert.True(DnsMessages.TryReadResponse(Answers(3, [300, 0x80000001]), 3, "web.lab", A, 1, out var info));
        Assert.Equal(0u, info.CacheTtl);
    }

    [Fact]
    public void Personalize_CachedResponse_TakesTheClientsIdCaseAndRdAndAgesTtls()
    {
        var response = Answers(id: 3, ttls: [300, 30]);
        Assert.True(DnsMessages.TryReadResponse(response, 3, "web.lab", A, 1, out var info));
        var optBefore = response[^11..];
        var query = new DnsMessageBuilder().Header(0x9999, 0, 1, 0, 0, 0).Question("WEB.Lab", A).Build();
        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(query, out var parsed));

        DnsMessages.Personalize(response, query, parsed, 100, info.TtlOffsets);

        Assert.Equal(0x9999, BinaryPrimitives.ReadUInt16BigEndian(response));
        Assert.Equal(0x8080, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(2)));
        Assert.Equal(query[12..], response[12..query.Length]);
        Assert.Equal([200u, 0u, 0u], info.TtlOffsets.Select(o => BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(o))));
        Assert.Equal(optBefore, response[^11..]);
    }

    [Fact]
    public void Personalize_ClientWithRd_SetsRd()
    {
        var response = new DnsMessageBuilder().Header(3, 0x8080, 1, 0, 0, 0).Question("web.lab", A).Build();
        var query = DnsMessageBuilder.Query("web.lab", A, id: 4);
        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(query, out var parsed));

        DnsMessages.Personalize(response, query, parsed, 0, []);

        Assert.Equal(0x0004, BinaryPrimitives.ReadUInt16BigEndian(response));
        Assert.Equal(0x8180, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(2)));
    }

    /// <summary>"nothing.example" A: NXDOMAIN, an SOA for "example" in authority, an OPT record.</summary>
    internal static byte[] NxDomainWithSoa(ushort id, uint soaTtl, uint minimum) =>
        new DnsMessageBuilder().Header(id, 0x8183, 1, 0, 1, 1).Question("nothing.example", A)
            .Pointer(12 + 8).RecordData((ushort)DnsRecordType.Soa, soaTtl, DnsMessageBuilder.SoaData("ns1.example", "hostmaster.example", minimum))
            .Opt(1232).Build();

    /// <summary>
    /// "web.lab" A: answers of 16 bytes each right after the question at 25 (owner a pointer, TTLs as given),
    /// an NS record in authority with TTL 10, an OPT record.
    /// </summary>
    private static byte[] Answers(ushort id, uint[] ttls)
    {
        var builder = new DnsMessageBuilder().Header(id, 0x8180, 1, ttls.Length, 1, 1).Question("web.lab", A);
        for (var i = 0; i < ttls.Length; i++)
        {
            builder.Pointer(12).RecordData(A, ttls[i], [10, 0, 0, (byte)i]);
        }

        return builder.Pointer(16).RecordData((ushort)DnsRecordType.NS, 10, [2, (byte)'n', (byte)'s', 0xC0, 16]).Opt(1232).Build();
    }

    private static byte[] NegativeWithSoa(ushort id, int rcode, byte[] soaData) =>
        new DnsMessageBuilder().Header(id, 0x8180 | rcode, 1, 0, 1, 0).Question("web.lab", A)
            .Pointer(16).RecordData((ushort)DnsRecordType.Soa, 3600, soaData).Build();

    private static byte[] PointerToItself()
    {
        var builder = new DnsMessageBuilder().Header(3, 0x8180, 1, 1, 0, 0).Question("web.lab", A);
        return builder.Pointer(builder.Length).RecordData(A, 5, [10, 0, 0, 1]).Build();
    }

    /// <summary>
    /// Two pointers in an A record's RDATA that point at each other, and a second record whose owner jumps
    /// backwards into them: each jump on its own points backwards, together they would loop.
    /// </summary>
    private static byte[] PointersAtEachOther()
    {
        var builder = new DnsMessageBuilder().Header(3, 0x8180, 1, 2, 0, 0).Question("web.lab", A).Pointer(12);
        var rdata = builder.Length + 10;
        return builder.RecordData(A, 5, [0xC0, (byte)(rdata + 2), 0xC0, (byte)rdata])
            .Pointer(rdata + 2).RecordData(A, 5, [10, 0, 0, 2]).Build();
    }

    /// <summary>A TXT record holding a chain of pointers, each to the one before, the first to the question; then an A record owned by the last.</summary>
    private static byte[] PointerChain(int length)
    {
        var builder = new DnsMessageBuilder().Header(3, 0x8180, 1, 2, 0, 0).Question("web.lab", A).Pointer(12);
        var rdata = builder.Length + 10;
        var chain = new DnsMessageBuilder().Pointer(12);
        for (var i = 1; i < length; i++)
        {
            chain.Pointer(rdata + ((i - 1) * 2));
        }

        return builder.RecordData((ushort)DnsRecordType.Txt, 5, chain.Build())
            .Pointer(rdata + ((length - 1) * 2)).RecordData(A, 5, [10, 0, 0, 1]).Build();
    }
}
