using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

public sealed class OpenVpnStatusTests(ITestOutputHelper output)
{
    // `status 3` of OpenVPN 2.6.14 with two clients (the second over IPv6, which prints its real address
    // without brackets), in the order and format openvpn writes it; the reply's END is the parser's.
    private static readonly string[] Sample =
    [
        "TITLE\tOpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]",
        "TIME\t2026-11-28 10:15:02\t1795860902",
        "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher",
        "CLIENT_LIST\tUNDEF\t198.51.100.101:41823\t192.168.43.2\t\t20345\t18790\t2026-11-28 10:14:11\t1795860851\talice\t0\t0\tAES-256-GCM",
        "CLIENT_LIST\tUNDEF\t2001:db8::7:51234\t192.168.43.3\t\t9876543210\t123\t2026-11-28 10:14:40\t1795860880\tbob\t7\t1\tAES-256-GCM",
        "HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\tLast Ref (time_t)",
        "ROUTING_TABLE\t192.168.43.2\tUNDEF\t198.51.100.101:41823\t2026-11-28 10:15:01\t1795860901",
        "ROUTING_TABLE\t192.168.43.3\tUNDEF\t2001:db8::7:51234\t2026-11-28 10:15:00\t1795860900",
        "GLOBAL_STATS\tMax bcast/mcast queue length\t0",
        "GLOBAL_STATS\tdco_enabled\t0",
    ];

    [Fact]
    public void ClientTraffic_RealSample_CountersByClientId()
    {
        var traffic = OpenVpnStatus.ClientTraffic(Sample);

        Assert.Equal(2, traffic.Count);
        Assert.Equal(new ClientTraffic(0, 20345, 18790), traffic[0]);
        Assert.Equal(new ClientTraffic(7, 9876543210, 123), traffic[7]);
    }

    [Fact]
    public void ClientTraffic_NoClients_Empty()
    {
        Assert.Empty(OpenVpnStatus.ClientTraffic(Sample.Where(l => !l.StartsWith("CLIENT_LIST", StringComparison.Ordinal) && !l.StartsWith("ROUTING_TABLE", StringComparison.Ordinal))));
        Assert.Empty(OpenVpnStatus.ClientTraffic([]));
    }

    [Theory]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\tmany\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\t9\t2\tAES-256-GCM")]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t-5\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\t9\t2\tAES-256-GCM")]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t1e6\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\t9\t2\tAES-256-GCM")]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t 12\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\t9\t2\tAES-256-GCM")]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\t9\t2\tAES-256-GCM")]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t100\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\tnine\t2\tAES-256-GCM")]
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t100\t18790\t2026-11-28 10:14:11\t1795860851\tcarol")]
    [InlineData("CLIENT_LIST")]
    [InlineData("CLIENT_LIST,UNDEF,198.51.100.9:1,192.168.43.9,,100,200,2026-11-28 10:14:11,1795860851,carol,9,2,AES-256-GCM")]
    // One past ulong.MaxValue: not a counter openvpn can write.
    [InlineData("CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t18446744073709551616\t18790\t2026-11-28 10:14:11\t1795860851\tcarol\t9\t2\tAES-256-GCM")]
    public void ClientTraffic_MalformedLine_SkippedWithDebugLogOthersKept(string line)
    {
        var log = new RecordingLogger<OpenVpnStatusTests>(output);

        var traffic = OpenVpnStatus.ClientTraffic([.. Sample[..4], line, .. Sample[4..]], log);

        Assert.Equal([0ul, 7ul], traffic.Keys.Order());
        var entry = Assert.Single(log.Lines);
        Assert.StartsWith("Debug 4127 ", entry, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientTraffic_HugeCounters_UpToULongClampedToLong()
    {
        var traffic = OpenVpnStatus.ClientTraffic(
        [
            Sample[2],
            "CLIENT_LIST\tUNDEF\t198.51.100.9:1\t192.168.43.9\t\t18446744073709551615\t9223372036854775807\tx\t1\tcarol\t18446744073709551615\t2\tAES-256-GCM",
        ]);

        Assert.Equal(new ClientTraffic(ulong.MaxValue, long.MaxValue, long.MaxValue), Assert.Single(traffic.Values));
    }

    [Fact]
    public void ClientTraffic_HeaderWithOtherColumnOrder_ColumnsFoundByName()
    {
        var traffic = OpenVpnStatus.ClientTraffic(
        [
            "HEADER\tCLIENT_LIST\tClient ID\tBytes Sent\tBytes Received\tSomething New",
            "CLIENT_LIST\t42\t300\t100\tx",
        ]);

        Assert.Equal(new ClientTraffic(42, 100, 300), Assert.Single(traffic.Values));
    }

    [Fact]
    public void ClientTraffic_NoHeaderOrHeaderWithoutCounters_OpenVpn26OrderAssumed()
    {
        Assert.Equal(new ClientTraffic(0, 20345, 18790), Assert.Single(OpenVpnStatus.ClientTraffic([Sample[3]]).Values));
        var log = new RecordingLogger<OpenVpnStatusTests>(output);
        var traffic = OpenVpnStatus.ClientTraffic(["HEADER\tCLIENT_LIST\tCommon Name\tReal Address", Sample[3]], log);
        Assert.Equal(new ClientTraffic(0, 20345, 18790), Assert.Single(traffic.Values));
        Assert.StartsWith("Debug 4128 ", Assert.Single(log.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void ClientTraffic_ClientIdListedTwice_FirstLineWins()
    {
        var traffic = OpenVpnStatus.ClientTraffic([Sample[3], Sample[3].Replace("\t20345\t", "\t1\t", StringComparison.Ordinal)]);

        Assert.Equal(20345, Assert.Single(traffic.Values).BytesReceived);
    }
}
