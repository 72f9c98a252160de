using System.Net;
using System.Net.Sockets;
using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Tests.Policy;

public sealed class ConntrackParserTests
{
    /// <summary>
    /// <c>conntrack -L -o extended</c> (conntrack-tools 1.4.7, kernel 6.18) in a gateway namespace
    /// forwarding between a client and a server namespace: busybox nc over IPv4 and IPv6, dig, ping,
    /// a SYN to a port the server drops, raw GRE, DCCP and protocol 253 packets; then with
    /// nf_conntrack_acct and nf_conntrack_timestamp on and <c>-o extended,timestamp,id</c>.
    /// </summary>
    public const string RealListing = """
        ipv4     2 unknown  253 599 src=10.8.0.2 dst=10.0.5.10 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 mark=0 use=1
        ipv6     10 icmpv6   58 28 src=fd00:8::2 dst=fd00:5::10 type=128 code=0 id=9090 src=fd00:5::10 dst=fd00:8::2 type=129 code=0 id=9090 mark=0 use=1
        ipv6     10 udp      17 28 src=fd00:8::2 dst=fd00:5::10 sport=47965 dport=53 [UNREPLIED] src=fd00:5::10 dst=fd00:8::2 sport=53 dport=47965 mark=0 use=1
        ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 [ASSURED] mark=0 use=1
        ipv6     10 gre      47 29 src=fd00:8::2 dst=fd00:5::10 srckey=0x0 dstkey=0x0 [UNREPLIED] src=fd00:5::10 dst=fd00:8::2 srckey=0x0 dstkey=0x0 mark=0 use=1
        ipv4     2 udp      17 28 src=10.8.0.2 dst=10.0.5.10 sport=33513 dport=53 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=53 dport=33513 mark=0 use=1
        ipv4     2 dccp     33 599 src=10.8.0.2 dst=10.0.5.10 sport=0 dport=0 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=0 dport=0 mark=0 use=1
        ipv4     2 gre      47 29 src=10.8.0.2 dst=10.0.5.10 srckey=0x0 dstkey=0x0 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 srckey=0x0 dstkey=0x0 mark=0 use=1
        ipv6     10 tcp      6 432000 ESTABLISHED src=fd00:8::2 dst=fd00:5::10 sport=59616 dport=5001 src=fd00:5::10 dst=fd00:8::2 sport=5001 dport=59616 [ASSURED] mark=0 use=1
        ipv6     10 unknown  253 599 src=fd00:8::2 dst=fd00:5::10 [UNREPLIED] src=fd00:5::10 dst=fd00:8::2 mark=0 use=1
        ipv6     10 dccp     33 599 src=fd00:8::2 dst=fd00:5::10 sport=0 dport=0 [UNREPLIED] src=fd00:5::10 dst=fd00:8::2 sport=0 dport=0 mark=0 use=1
        ipv4     2 icmp     1 28 src=10.8.0.2 dst=10.0.5.10 type=8 code=0 id=9089 src=10.0.5.10 dst=10.8.0.2 type=0 code=0 id=9089 mark=0 use=1
        ipv6     10 tcp      6 119 SYN_SENT src=fd00:8::2 dst=fd00:5::10 sport=57150 dport=5999 [UNREPLIED] src=fd00:5::10 dst=fd00:8::2 sport=5999 dport=57150 mark=0 use=1
        ipv4     2 tcp      6 119 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=38686 dport=5999 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=5999 dport=38686 mark=0 use=1
        ipv6     10 tcp      6 119 TIME_WAIT src=fd00:8::2 dst=fd00:5::10 sport=41806 dport=5001 src=fd00:5::10 dst=fd00:8::2 sport=5001 dport=41806 [ASSURED] mark=0 use=1
        ipv4     2 udp      17 29 src=10.8.0.2 dst=10.0.5.10 sport=56262 dport=5353 packets=1 bytes=80 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=5353 dport=56262 packets=0 bytes=0 mark=0 delta-time=1 use=1 id=2815717772
        ipv4     2 icmp     1 29 src=10.8.0.2 dst=10.0.5.10 type=8 code=0 id=9176 packets=1 bytes=84 src=10.0.5.10 dst=10.8.0.2 type=0 code=0 id=9176 packets=1 bytes=84 mark=0 delta-time=1 use=1 id=2056994793
        ipv4     2 unknown  253 598 src=10.8.0.2 dst=10.0.5.10 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 mark=0 use=1 id=1798487688
        """;

    private static readonly IPAddress ClientV4 = IPAddress.Parse("10.8.0.2");
    private static readonly IPAddress ServerV4 = IPAddress.Parse("10.0.5.10");
    private static readonly IPAddress ClientV6 = IPAddress.Parse("fd00:8::2");
    private static readonly IPAddress ServerV6 = IPAddress.Parse("fd00:5::10");

    private static string[] RealLines => RealListing.Split('\n');

    [Fact]
    public void Parse_RealListing_ReadsEveryLineAndSkipsNone()
    {
        var listing = ConntrackParser.Parse(RealListing + "\n");

        Assert.Equal(RealLines.Length, listing.Entries.Count);
        Assert.Equal(0, listing.Skipped);
        Assert.Null(listing.FirstSkipped);
        Assert.All(listing.Entries, e => Assert.Equal(e.Family == AddressFamily.InterNetwork ? ClientV4 : ClientV6, e.Source));
        Assert.All(listing.Entries, e => Assert.Equal(e.Family == AddressFamily.InterNetwork ? ServerV4 : ServerV6, e.Destination));
    }

    [Fact]
    public void ParseLine_EstablishedTcpV4_ReadsTheOriginalDirection()
    {
        var entry = ConntrackParser.ParseLine(RealLines[3]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetwork, 6, ClientV4, ServerV4, 58944, 5000), entry);
    }

    [Fact]
    public void ParseLine_SynSentTcpV6_ReadsTheOriginalDirection()
    {
        var entry = ConntrackParser.ParseLine(RealLines[12]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetworkV6, 6, ClientV6, ServerV6, 57150, 5999), entry);
    }

    [Fact]
    public void ParseLine_UdpV6_ReadsPorts()
    {
        var entry = ConntrackParser.ParseLine(RealLines[2]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetworkV6, 17, ClientV6, ServerV6, 47965, 53), entry);
    }

    [Fact]
    public void ParseLine_IcmpV4_ReadsTypeCodeAndIdOfTheRequest()
    {
        var entry = ConntrackParser.ParseLine(RealLines[11]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetwork, 1, ClientV4, ServerV4, IcmpType: 8, IcmpCode: 0, IcmpId: 9089), entry);
    }

    [Fact]
    public void ParseLine_Icmpv6_ReadsTypeCodeAndIdOfTheRequest()
    {
        var entry = ConntrackParser.ParseLine(RealLines[1]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetworkV6, 58, ClientV6, ServerV6, IcmpType: 128, IcmpCode: 0, IcmpId: 9090), entry);
    }

    [Fact]
    public void ParseLine_CountersTimestampAndConntrackId_TheIcmpIdIsTheOriginalOne()
    {
        // "id=" is both the ICMP id in the tuple and, with -o id, the entry's own id at the end.
        var entry = ConntrackParser.ParseLine(RealLines[16]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetwork, 1, ClientV4, ServerV4, IcmpType: 8, IcmpCode: 0, IcmpId: 9176), entry);
    }

    [Theory]
    [InlineData(0, 253, AddressFamily.InterNetwork)]
    [InlineData(9, 253, AddressFamily.InterNetworkV6)]
    [InlineData(4, 47, AddressFamily.InterNetworkV6)]
    [InlineData(7, 47, AddressFamily.InterNetwork)]
    public void ParseLine_ProtocolWithoutPorts_ReadsAddressesOnly(int line, int protocol, AddressFamily family)
    {
        var entry = ConntrackParser.ParseLine(RealLines[line]);

        var client = family == AddressFamily.InterNetwork ? ClientV4 : ClientV6;
        var server = family == AddressFamily.InterNetwork ? ServerV4 : ServerV6;
        Assert.Equal(new ConntrackEntry(family, protocol, client, server), entry);
    }

    [Fact]
    public void ParseLine_Dccp_KeepsItsPorts()
    {
        var entry = ConntrackParser.ParseLine(RealLines[6]);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetwork, 33, ClientV4, ServerV4, 0, 0), entry);
    }

    [Fact]
    public void ParseLine_EveryTruncation_IsUnreadableOrTheSameEntry()
    {
        // A line cut short must never read as a different connection (dport=50 from dport=5000).
        foreach (var line in RealLines)
        {
            var whole = ConntrackParser.ParseLine(line);
            Assert.NotNull(whole);
            for (var length = 0; length < line.Length; length++)
            {
                var cut = ConntrackParser.ParseLine(line.AsSpan(0, length));
                Assert.True(cut is null || cut == whole, $"'{line[..length]}' read as {cut}");
            }
        }
    }

    [Fact]
    public void ParseLine_CutInsideTheOriginalDirection_IsUnreadable()
    {
        var line = RealLines[3];

        Assert.Null(ConntrackParser.ParseLine(line.AsSpan(0, line.IndexOf("dport=5000", StringComparison.Ordinal))));
        Assert.Null(ConntrackParser.ParseLine(line.AsSpan(0, line.IndexOf("dport=5000", StringComparison.Ordinal) + 8)));
        Assert.Null(ConntrackParser.ParseLine(line.AsSpan(0, line.IndexOf(" src=10.0.5.10", StringComparison.Ordinal) + 1)));
    }

    [Theory]
    // Not the extended form: the plain one has no family column.
    [InlineData("tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 [ASSURED] mark=0 use=1")]
    // Family name, number and addresses disagree.
    [InlineData("ipv4     10 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    [InlineData("ipv6     10 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=fd00:8::2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    [InlineData("ipx      2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    // Protocol name and number disagree, either way.
    [InlineData("ipv4     2 tcp      17 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    [InlineData("ipv4     2 unknown  6 431999 src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      256 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    // A field a verdict needs is missing, doubled, out of range or not a plain number.
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 src=10.0.5.10 dst=10.8.0.2 sport=5000 dport=58944 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=5000 dport=5001 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=65536 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=+80 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=-1 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=58944 dport=99999999999999 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 sport=58944 dport=5000 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.8.0.2 dst=10.0.5.10 sport=1 dport=2 type=8 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 icmp     1 29 src=10.8.0.2 dst=10.0.5.10 type=8 code=0 src=10.0.5.10 dst=10.8.0.2 type=0 code=0 id=1 mark=0 use=1")]
    [InlineData("ipv4     2 icmp     1 29 src=10.8.0.2 dst=10.0.5.10 type=256 code=0 id=1 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 icmp     1 29 src=10.8.0.2 dst=10.0.5.10 type=8 code=0 id=1 dport=1 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 dccp     33 599 src=10.8.0.2 dst=10.0.5.10 sport=0 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    // Addresses in shapes conntrack never prints (IPAddress.TryParse alone takes some of them).
    [InlineData("ipv4     2 unknown  253 599 src=10 dst=10.0.5.10 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 unknown  253 599 src=010.8.0.2 dst=10.0.5.10 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 unknown  253 599 src=0x0a.8.0.2 dst=10.0.5.10 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 unknown  253 599 src=10.8.0.256 dst=10.0.5.10 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv6     10 unknown  253 599 src=fe80::1%2 dst=fd00:5::10 src=fd00:5::10 dst=fe80::1 mark=0 use=1")]
    [InlineData("ipv6     10 unknown  253 599 src=fd00:8::2 dst=fd00:5::10 src=fd00:5::10 dst=fd00:8::2:: mark=0 use=1")]
    // Tokens of no known shape before the reply direction.
    [InlineData("ipv4     2 unknown  253 599 src=10.8.0.2 dst=10.0.5.10 garbage src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 unknown  253 599 src=10.8.0.2 dst=10.0.5.10 =1 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4     2 unknown  253 599 src=10.8.0.2 dst=10.0.5.10 [assured] src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("ipv4\t2 unknown  253 599 src=10.8.0.2 dst=10.0.5.10 src=10.0.5.10 dst=10.8.0.2 mark=0 use=1")]
    [InlineData("conntrack v1.4.7 (conntrack-tools): 18 flow entries have been shown.")]
    [InlineData("")]
    [InlineData("ipv4     2")]
    public void ParseLine_Malformed_IsNull(string line)
    {
        Assert.Null(ConntrackParser.ParseLine(line));
    }

    [Fact]
    public void Parse_GarbageAmongEntries_SkipsAndCountsItWithASample()
    {
        var output = RealLines[3] + "\n\u0001\u0002garbage\u001b[31m\n" + RealLines[2] + "\nipv4 2 tcp 6\n\n";

        var listing = ConntrackParser.Parse(output);

        Assert.Equal(2, listing.Entries.Count);
        Assert.Equal(2, listing.Skipped);
        Assert.Equal("??garbage?[31m", listing.FirstSkipped);
    }

    [Fact]
    public void Parse_OversizedLine_IsSkippedWithAShortSample()
    {
        var huge = RealLines[3] + new string(' ', ConntrackParser.MaxLineLength) + "x=1";

        var listing = ConntrackParser.Parse(RealLines[1] + "\n" + huge + "\n" + RealLines[2]);

        Assert.Equal(2, listing.Entries.Count);
        Assert.Equal(1, listing.Skipped);
        Assert.True(listing.FirstSkipped!.Length < 200, listing.FirstSkipped);
        Assert.EndsWith($"({huge.Length} characters)", listing.FirstSkipped, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HugeOutputWithoutNewline_SkipsOneLineAndDoesNotThrow()
    {
        var listing = ConntrackParser.Parse(new string('a', 5_000_000));

        Assert.Empty(listing.Entries);
        Assert.Equal(1, listing.Skipped);
    }

    [Fact]
    public void Parse_ManyTokens_StillReadsTheOriginalDirection()
    {
        // Tokens past the parser's fixed token buffer stay unread: they are after the reply addresses.
        var line = RealLines[3] + string.Concat(Enumerable.Repeat(" extra=1", 200));

        var listing = ConntrackParser.Parse(line);

        Assert.Equal(new ConntrackEntry(AddressFamily.InterNetwork, 6, ClientV4, ServerV4, 58944, 5000), Assert.Single(listing.Entries));
    }

    [Fact]
    public void Parse_RandomMutationsOfRealLines_NeverThrow()
    {
        var random = new Random(6);
        var alphabet = " =.:[]0123456789abcdefsrcdtpoyi\t\u0000-";
        var lines = RealLines;
        for (var i = 0; i < 20_000; i++)
        {
            var chars = lines[random.Next(lines.Length)].ToCharArray();
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var entry = ConntrackParser.ParseLine(chars);
            if (entry is not null)
            {
                Assert.Equal(entry.Family, entry.Source.AddressFamily);
                Assert.Equal(entry.Family, entry.Destination.AddressFamily);
            }
        }
    }
}
