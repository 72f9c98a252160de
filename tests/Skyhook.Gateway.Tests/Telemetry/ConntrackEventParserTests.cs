using System.Net;
using Skyhook.Gateway.Policy;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Tests.Telemetry;

public sealed class ConntrackEventParserTests
{
    // Printed by conntrack 1.4.7 (-E -e NEW,DESTROY -o extended,id,timestamp) on kernel 6.18.
    private const string NewLine = "[1795877575.335931]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=55212 dport=8080 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=8080 dport=55212 id=1897136023";
    private const string DestroyLine = "[1795877577.380959]\t[DESTROY] ipv4     2 tcp      6 117 TIME_WAIT src=10.8.0.2 dst=10.0.5.10 sport=55212 dport=8080 packets=6 bytes=326 src=10.0.5.10 dst=10.8.0.2 sport=8080 dport=55212 packets=4 bytes=222 [ASSURED] delta-time=2 id=1897136023 [USERSPACE] portid=16858";

    [Fact]
    public void Parse_New_GivesTheTupleIdAndTime()
    {
        var parsed = ConntrackEventParser.Parse(NewLine);

        Assert.NotNull(parsed);
        Assert.True(parsed.New);
        Assert.Equal(1897136023u, parsed.Id);
        Assert.Equal(new ConntrackEntry(System.Net.Sockets.AddressFamily.InterNetwork, 6, IPAddress.Parse("10.8.0.2"), IPAddress.Parse("10.0.5.10"), 55212, 8080), parsed.Entry);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795877575335), parsed.At);
        Assert.Null(parsed.OriginalBytes);
    }

    [Fact]
    public void Parse_Destroy_GivesBothDirectionsCountersAndAge()
    {
        var parsed = ConntrackEventParser.Parse(DestroyLine);

        Assert.NotNull(parsed);
        Assert.False(parsed.New);
        Assert.Equal((6L, 326L, 4L, 222L, 2L), (parsed.OriginalPackets!.Value, parsed.OriginalBytes!.Value, parsed.ReplyPackets!.Value, parsed.ReplyBytes!.Value, parsed.AgeSeconds!.Value));
    }

    [Fact]
    public void Parse_IcmpWithItsOwnId_TakesConntracksIdLast()
    {
        var parsed = ConntrackEventParser.Parse("    [NEW] ipv4     2 icmp     1 30 src=10.8.0.2 dst=10.0.5.10 type=8 code=0 id=7 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 type=0 code=0 id=7 id=3735928559");

        Assert.Equal(3735928559u, parsed?.Id);
        Assert.Equal(7, parsed?.Entry.IcmpId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("conntrack v1.4.7 (conntrack-tools): 2 flow events have been shown.")]
    [InlineData("    [UPDATE] ipv4     2 tcp      6 60 SYN_RECV src=10.8.0.2 dst=10.0.5.10 sport=1 dport=2 src=10.0.5.10 dst=10.8.0.2 sport=2 dport=1 id=5")]
    [InlineData("    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=55212 dport=8080 [UNREPLIED] src=10.0.5.10 dst=10.8.0.2 sport=8080 dport=55212")]
    [InlineData("[abc]    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=1 dport=2 src=10.0.5.10 dst=10.8.0.2 sport=2 dport=1 id=5")]
    [InlineData("[99999999999999999999.1]    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=1 dport=2 src=10.0.5.10 dst=10.8.0.2 sport=2 dport=1 id=5")]
    [InlineData("    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.8.0.2 dst=10.0.5.10 sport=55212")]
    public void Parse_OtherLines_GiveNull(string line)
    {
        Assert.Null(ConntrackEventParser.Parse(line));
    }

    [Fact]
    public void Parse_CutAndMutatedLines_NeverThrow()
    {
        var random = new Random(3);
        for (var i = 0; i < 20000; i++)
        {
            var chars = (i % 2 == 0 ? NewLine : DestroyLine).ToCharArray();
            for (var flips = random.Next(0, 4); flips > 0; flips--)
            {
                chars[random.Next(chars.Length)] = "0123456789 =[]-.:abcxyzID\t"[random.Next(26)];
            }

            _ = ConntrackEventParser.Parse(chars.AsSpan(0, random.Next(chars.Length + 1)));
        }
    }
}
