using System.Buffers.Binary;
using System.Net;
using Skyhook.Core.Dns;

namespace Skyhook.Core.Tests.Dns;

public sealed class DnsMessagesWriteTests
{
    private static readonly IPAddress[] Mixed =
        [IPAddress.Parse("10.0.0.7"), IPAddress.Parse("fd00::7"), IPAddress.Parse("10.0.0.8")];

    [Fact]
    public void WriteAnswer_TwoV4OneV6ForA_WritesExactlyTwoARecords()
    {
        var query = Convert.FromHexString("abcd01000001000000000000" + "03576562036c616200" + "00010001");
        var parsed = Parse(query);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, parsed, DnsResponseCode.NoError, authoritative: true, Mixed, 30, 512);

        var expected = Convert.FromHexString(
            "abcd" + "8580" + "0001" + "0002" + "0000" + "0000"
            + "03576562036c616200" + "00010001"
            + "c00c" + "0001" + "0001" + "0000001e" + "0004" + "0a000007"
            + "c00c" + "0001" + "0001" + "0000001e" + "0004" + "0a000008");
        Assert.Equal(expected, destination[..length]);
    }

    [Fact]
    public void WriteAnswer_Aaaa_WritesTheV6RecordOnly()
    {
        var query = DnsMessageBuilder.Query("web", (ushort)DnsRecordType.Aaaa);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Mixed, 5, 512);

        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(6)));
        Assert.Equal(query.Length + 12 + 16, length);
        Assert.Equal(IPAddress.Parse("fd00::7").GetAddressBytes(), destination[(length - 16)..length]);
    }

    [Fact]
    public void WriteAnswer_OtherType_WritesNoRecords()
    {
        var query = DnsMessageBuilder.Query("web", (ushort)DnsRecordType.Mx);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Mixed, 5, 512);

        Assert.Equal(query.Length, length);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(6)));
    }

    [Fact]
    public void WriteAnswer_UppercaseQuery_KeepsTheClientsCaseInTheQuestion()
    {
        var query = DnsMessageBuilder.Query("WeB.LaB", 1);
        var destination = new byte[65535];

        DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Mixed, 5, 512);

        Assert.Equal(query[12..], destination[12..query.Length]);
    }

    [Fact]
    public void WriteAnswer_Edns_AppendsOptWithOurPayloadAndTheDoBit()
    {
        var query = DnsMessageBuilder.Query("web", 1, ednsPayload: 4096, dnssecOk: true);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, false, Mixed, 5, 4096);

        Assert.Equal(Convert.FromHexString("00" + "0029" + "04d0" + "0000" + "8000" + "0000"), destination[(length - 11)..length]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(10)));
        // Not authoritative: AA clear, RA and RD set.
        Assert.Equal(0x8180, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(2)));
    }

    [Fact]
    public void WriteAnswer_HundredAddressesIn512_SetsTcAndWritesNoRecords()
    {
        var query = DnsMessageBuilder.Query("web", 1, ednsPayload: 512);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Hundred(), 5, 512);

        Assert.True(length <= 512);
        Assert.Equal(query.Length, length);
        Assert.Equal(0x8780, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(2)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(6)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(10)));
    }

    [Fact]
    public void WriteAnswer_HundredAddressesIn65535_WritesAll()
    {
        var query = DnsMessageBuilder.Query("web", 1);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Hundred(), 5, 65535);

        Assert.Equal(query.Length + (100 * 16), length);
        Assert.Equal(100, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(6)));
        Assert.Equal(0, destination[2] & 0x02);
    }

    [Fact]
    public void WriteAnswer_ExactFit_IsNotTruncated()
    {
        var query = DnsMessageBuilder.Query("web", 1);
        var destination = new byte[65535];
        var fits = query.Length + (100 * 16);

        Assert.Equal(fits, DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Hundred(), 5, fits));
        Assert.Equal(query.Length, DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NoError, true, Hundred(), 5, fits - 1));
    }

    [Fact]
    public void WriteAnswer_DestinationOfMaxLength_NeverWritesPast()
    {
        var query = DnsMessageBuilder.Query("web", 1, ednsPayload: 1232);
        var destination = new byte[600];

        var length = DnsMessages.WriteAnswer(destination.AsSpan(0, 512), query, Parse(query), DnsResponseCode.NoError, true, Hundred(), 5, 512);

        Assert.True(length <= 512);
        Assert.All(destination[512..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void WriteAnswer_NoAddresses_WritesNameErrorWithQuestion()
    {
        var query = DnsMessageBuilder.Query("gone", 1);
        var destination = new byte[65535];

        var length = DnsMessages.WriteAnswer(destination, query, Parse(query), DnsResponseCode.NameError, true, [], 5, 512);

        Assert.Equal(query.Length, length);
        Assert.Equal(0x8583, BinaryPrimitives.ReadUInt16BigEndian(destination.AsSpan(2)));
    }

    [Theory]
    [InlineData(DnsResponseCode.FormatError)]
    [InlineData(DnsResponseCode.ServerFailure)]
    [InlineData(DnsResponseCode.NameError)]
    [InlineData(DnsResponseCode.NotImplemented)]
    [InlineData(DnsResponseCode.Refused)]
    public void WriteError_ParsedQuery_CopiesQuestionAndOpt(DnsResponseCode code)
    {
        var query = DnsMessageBuilder.Query("Web.lab", 1, id: 0x0102, ednsPayload: 1232, dnssecOk: true);
        var parsed = Parse(query);
        var destination = new byte[65535];

        var length = DnsMessages.WriteError(destination, query, parsed, questionParsed: true, code);

        var expected = new DnsMessageBuilder().Header(0x0102, 0x8180 | (int)code, 1, 0, 0, 1).Bytes(query[12..parsed.QuestionEnd])
            .Bytes(Convert.FromHexString("00" + "0029" + "04d0" + "0000" + "8000" + "0000")).Build();
        Assert.Equal(expected, destination[..length]);
    }

    [Fact]
    public void WriteError_NotImplemented_KeepsOpcodeAndDropsQuestion()
    {
        var query = new DnsMessageBuilder().Header(9, (2 << 11) | DnsMessageBuilder.Rd, 1, 0, 0, 0).Question("a", 1).Build();
        Assert.Equal(DnsQueryParse.NotImplemented, DnsMessages.ParseQuery(query, out var parsed));
        var destination = new byte[65535];

        var length = DnsMessages.WriteError(destination, query, parsed, questionParsed: false, DnsResponseCode.NotImplemented);

        Assert.Equal(Convert.FromHexString("0009" + "9184" + "0000" + "0000" + "0000" + "0000"), destination[..length]);
    }

    [Fact]
    public void WriteError_AnyParseOutcome_IsNeverLongerThanQueryPlusOpt()
    {
        var random = new Random(1232);
        var destination = new byte[65535];
        foreach (var query in DnsMessagesFuzzTests.Mutations(DnsMessageBuilder.Query("www.example.com", 1, ednsPayload: 4096), random, 20_000))
        {
            var result = DnsMessages.ParseQuery(query, out var parsed);
            if (result == DnsQueryParse.Ignore)
            {
                continue;
            }

            var length = DnsMessages.WriteError(destination, query, parsed, result == DnsQueryParse.Ok, DnsResponseCode.FormatError);

            Assert.True(length <= query.Length + 11, $"{length} for a query of {query.Length}");
        }
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("web.lab", 1)]
    [InlineData("a.b-c_d.example", 28)]
    [InlineData("x", 255)]
    public void WriteQuery_ParsedBack_GivesTheSameQuestion(string name, ushort type)
    {
        var destination = new byte[512];

        var length = DnsMessages.WriteQuery(destination, 0x7777, name, type, 1, dnssecOk: true);

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(destination.AsSpan(0, length), out var parsed));
        Assert.Equal(new DnsQuery(0x7777, 0, true, false, name, type, 1, length - 11, true, DnsMessages.MaxUdpAnswer, true), parsed);
    }

    [Fact]
    public void WriteQuery_LongestName_RoundTrips()
    {
        var name = DnsMessagesParseQueryTests.NameOfWireLength(255);
        var destination = new byte[512];

        var length = DnsMessages.WriteQuery(destination, 1, name, 1, 1, dnssecOk: false);

        Assert.Equal(12 + 255 + 4 + 11, length);
        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(destination.AsSpan(0, length), out var parsed));
        Assert.Equal(name, parsed.Name);
        Assert.False(parsed.DnssecOk);
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a b")]
    [InlineData("caf\u00e9")]
    public void WriteQuery_BadName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => DnsMessages.WriteQuery(new byte[512], 1, name, 1, 1, false));
    }

    [Fact]
    public void WriteQuery_LabelOf64_Throws()
    {
        Assert.Throws<ArgumentException>(() => DnsMessages.WriteQuery(new byte[512], 1, new string('a', 64) + ".lab", 1, 1, false));
    }

    [Fact]
    public void WriteQuery_NameOf256_Throws()
    {
        var name = DnsMessagesParseQueryTests.NameOfWireLength(256);

        Assert.Throws<ArgumentException>(() => DnsMessages.WriteQuery(new byte[512], 1, name, 1, 1, false));
    }

    [Fact]
    public void WriteTruncated_Response_KeepsHeaderAndQuestionWithTc()
    {
        var response = new DnsMessageBuilder().Header(5, 0x8180, 1, 1, 0, 1).Question("a", 1)
            .Pointer(12).RecordData(1, 60, [10, 0, 0, 1]).Opt(1232).Build();
        var destination = new byte[512];

        var length = DnsMessages.WriteTruncated(destination, response, 12 + 3 + 4);

        Assert.Equal(Convert.FromHexString("0005" + "8380" + "0001" + "0000" + "0000" + "0000" + "016100" + "00010001"), destination[..length]);
    }

    private static DnsQuery Parse(byte[] query)
    {
        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(query, out var parsed));
        return parsed;
    }

    private static IPAddress[] Hundred() =>
        [.. Enumerable.Range(0, 100).Select(i => new IPAddress([10, 1, 0, (byte)i]))];
}
