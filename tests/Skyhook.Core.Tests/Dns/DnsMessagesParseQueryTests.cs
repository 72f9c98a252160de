using Skyhook.Core.Dns;

namespace Skyhook.Core.Tests.Dns;

public sealed class DnsMessagesParseQueryTests
{
    [Fact]
    public void ParseQuery_PlainAQuery_IsOk()
    {
        // id 0xabcd, RD; "web.lab" A IN.
        var message = Convert.FromHexString("abcd01000001000000000000" + "03776562036c616200" + "00010001");

        var result = DnsMessages.ParseQuery(message, out var query);

        Assert.Equal(DnsQueryParse.Ok, result);
        Assert.Equal(
            new DnsQuery(0xabcd, 0, true, false, "web.lab", 1, 1, message.Length, false, 512, false),
            query);
    }

    [Fact]
    public void ParseQuery_UppercaseName_GivesLowercaseName()
    {
        var message = DnsMessageBuilder.Query("WeB.Lab-1.Example", (ushort)DnsRecordType.Aaaa);

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.Equal("web.lab-1.example", query.Name);
        Assert.Equal((ushort)DnsRecordType.Aaaa, query.Type);
    }

    [Fact]
    public void ParseQuery_RootName_GivesEmptyName()
    {
        var message = DnsMessageBuilder.Query("", (ushort)DnsRecordType.NS);

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.Equal("", query.Name);
        Assert.Equal(17, query.QuestionEnd);
    }

    [Fact]
    public void ParseQuery_CheckingDisabled_IsCopied()
    {
        var message = new DnsMessageBuilder().Header(1, 0x0010, 1, 0, 0, 0).Question("a", 1).Build();

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.True(query.CheckingDisabled);
        Assert.False(query.RecursionDesired);
    }

    [Theory]
    [InlineData(4096, 4096)]
    [InlineData(1232, 1232)]
    [InlineData(65535, 4096)]
    [InlineData(100, 512)]
    [InlineData(0, 512)]
    public void ParseQuery_Edns_ClampsPayloadSize(ushort payload, ushort expected)
    {
        var message = DnsMessageBuilder.Query("web.lab", 1, ednsPayload: payload);

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.True(query.HasEdns);
        Assert.Equal(expected, query.UdpPayloadSize);
        Assert.False(query.DnssecOk);
        Assert.Equal(message.Length - 11, query.QuestionEnd);
    }

    [Fact]
    public void ParseQuery_DoBit_SetsDnssecOk()
    {
        var message = DnsMessageBuilder.Query("web.lab", 1, ednsPayload: 1232, dnssecOk: true);

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.True(query.DnssecOk);
    }

    [Fact]
    public void ParseQuery_OptWithOptions_IsOk()
    {
        // A COOKIE option (10) of 8 bytes, as dig sends: we implement no option, so it is skipped.
        var message = new DnsMessageBuilder().Header(7, 0, 1, 0, 0, 1).Question("a", 1)
            .Bytes(0).UInt16(41).UInt16(1232).UInt32(0).UInt16(12).UInt16(10).UInt16(8).UInt32(1).UInt32(2).Build();

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.True(query.HasEdns);
    }

    public static TheoryData<string, byte[]> Malformed() => new()
    {
        { "two questions", new DnsMessageBuilder().Header(1, 0, 2, 0, 0, 0).Question("a", 1).Question("b", 1).Build() },
        { "no question", new DnsMessageBuilder().Header(1, 0, 0, 0, 0, 0).Build() },
        { "an answer", new DnsMessageBuilder().Header(1, 0, 1, 1, 0, 0).Question("a", 1).Pointer(12).RecordData(1, 60, [10, 0, 0, 1]).Build() },
        { "an authority record", new DnsMessageBuilder().Header(1, 0, 1, 0, 1, 0).Question("a", 1).Name("").RecordData(2, 60, [0]).Build() },
        { "a non-OPT additional", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 1).Question("a", 1).Name("").RecordData(1, 60, [10, 0, 0, 1]).Build() },
        { "an OPT with a name", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 1).Question("a", 1).Name("a").UInt16(41).UInt16(512).UInt32(0).UInt16(0).Build() },
        { "two OPTs", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 2).Question("a", 1).Opt(1232).Opt(1232).Build() },
        { "an OPT past the end", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 1).Question("a", 1).Bytes(0).UInt16(41).UInt16(512).UInt32(0).UInt16(4).UInt16(10).Build() },
        { "trailing bytes", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Question("a", 1).Bytes(0).Build() },
        { "trailing bytes after OPT", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 1).Question("a", 1).Opt(512).Bytes(0).Build() },
        { "a label of 64 bytes", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Question(new string('a', 64), 1).Build() },
        { "a name of 256 bytes", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Question(NameOfWireLength(256), 1).Build() },
        { "a pointer in the question", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).NameWithPointer("a", 12).UInt16(1).UInt16(1).Build() },
        { "an extended label type", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Bytes(0x41, 0).UInt16(1).UInt16(1).Build() },
        { "a dot inside a label", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Bytes(3, (byte)'a', (byte)'.', (byte)'b', 0).UInt16(1).UInt16(1).Build() },
        { "a space", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Bytes(3, (byte)'a', (byte)' ', (byte)'b', 0).UInt16(1).UInt16(1).Build() },
        { "a zero byte", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Bytes(2, (byte)'a', 0, 0).UInt16(1).UInt16(1).Build() },
        { "a byte above ASCII", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Bytes(2, (byte)'a', 0xC3, 0).UInt16(1).UInt16(1).Build() },
        { "a DEL byte", new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Bytes(1, 0x7F, 0).UInt16(1).UInt16(1).Build() },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void ParseQuery_Malformed_IsFormatErrorWithHeaderFields(string why, byte[] message)
    {
        var result = DnsMessages.ParseQuery(message, out var query);

        Assert.True(result == DnsQueryParse.FormatError, why);
        Assert.Equal(1, query.Id);
        Assert.Equal(0, query.Opcode);
    }

    [Fact]
    public void ParseQuery_TrailingBytesAfterOpt_KeepsEdnsForTheErrorReply()
    {
        var message = new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 1).Question("a", 1).Opt(512, dnssecOk: true).Bytes(0).Build();

        Assert.Equal(DnsQueryParse.FormatError, DnsMessages.ParseQuery(message, out var query));
        Assert.True(query.HasEdns);
        Assert.True(query.DnssecOk);
    }

    [Fact]
    public void ParseQuery_LongestLabelAndName_IsOk()
    {
        var name = NameOfWireLength(255);
        var message = new DnsMessageBuilder().Header(1, 0, 1, 0, 0, 0).Question(name, 1).Build();

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out var query));
        Assert.Equal(name, query.Name);
        Assert.Equal(253, query.Name.Length);
    }

    [Fact]
    public void ParseQuery_Response_IsIgnored()
    {
        var message = new DnsMessageBuilder().Header(1, 0x8100, 1, 0, 0, 0).Question("a", 1).Build();

        Assert.Equal(DnsQueryParse.Ignore, DnsMessages.ParseQuery(message, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(11)]
    public void ParseQuery_ShorterThanHeader_IsIgnored(int length)
    {
        Assert.Equal(DnsQueryParse.Ignore, DnsMessages.ParseQuery(new byte[length], out _));
    }

    [Fact]
    public void ParseQuery_OpcodeStatus_IsNotImplementedWithHeaderFields()
    {
        // Opcode 2 (STATUS), RD set; the rest need not even be well formed.
        var message = new DnsMessageBuilder().Header(0x4242, (2 << 11) | DnsMessageBuilder.Rd, 5, 5, 5, 5).Build();

        Assert.Equal(DnsQueryParse.NotImplemented, DnsMessages.ParseQuery(message, out var query));
        Assert.Equal(0x4242, query.Id);
        Assert.Equal(2, query.Opcode);
        Assert.True(query.RecursionDesired);
    }

    [Fact]
    public void ParseQuery_EveryPrefixOfAValidQuery_IsNeverOk()
    {
        var message = DnsMessageBuilder.Query("www.Example.com", (ushort)DnsRecordType.Aaaa, ednsPayload: 1232, dnssecOk: true);

        for (var length = 0; length < message.Length; length++)
        {
            var result = DnsMessages.ParseQuery(message.AsSpan(0, length), out _);

            Assert.True(result is DnsQueryParse.FormatError or DnsQueryParse.Ignore, $"length {length}: {result}");
        }

        Assert.Equal(DnsQueryParse.Ok, DnsMessages.ParseQuery(message, out _));
    }

    /// <summary>Labels of up to 63 'a'-'z' letters whose wire form takes exactly <paramref name="wireLength"/> bytes.</summary>
    internal static string NameOfWireLength(int wireLength)
    {
        var labels = new List<string>();
        var remaining = wireLength - 1;
        var letter = 'a';
        while (remaining > 0)
        {
            // Never leave a remainder of 1: a label needs a length byte and at least one more.
            var take = Math.Min(63, remaining - 1);
            if (remaining - (take + 1) == 1)
            {
                take--;
            }

            labels.Add(new string(letter++, take));
            remaining -= take + 1;
        }

        return string.Join('.', labels);
    }
}
