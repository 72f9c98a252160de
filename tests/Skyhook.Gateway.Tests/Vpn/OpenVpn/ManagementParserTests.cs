using System.Net;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Tests.Vpn.OpenVpn;

public sealed class ManagementParserTests
{
    private static List<ManagementEvent> FeedAll(ManagementParser parser, IEnumerable<string> lines)
    {
        var events = new List<ManagementEvent>();
        foreach (var line in lines)
        {
            events.AddRange(parser.Feed(line));
        }
        events.AddRange(parser.Complete());
        return events;
    }

    [Fact]
    public void Feed_RecordedSession_YieldsTypedEventsInOrder()
    {
        var events = FeedAll(new ManagementParser(), Transcripts.Read("session.transcript"));

        Assert.Collection(events,
            e => Assert.Equal(new ManagementNotification("INFO", "OpenVPN Management Interface Version 5 -- type 'help' for more info"), e),
            e =>
            {
                var connect = Assert.IsType<ClientConnect>(e);
                Assert.Equal((0ul, 1ul), (connect.ClientId, connect.KeyId));
                Assert.Equal("alice", connect.Environment.CommonName);
                Assert.Equal("alice", connect.Environment.UserName);
                Assert.Equal("SCRV1:c2VjcmV0LXB3:MTIzNDU2", connect.Environment.Password);
                Assert.Equal("198.51.100.2", connect.Environment.UntrustedIp);
                Assert.Equal("2.6.14", connect.Environment.ClientVersion);
                Assert.Equal("linux", connect.Environment.Platform);
                Assert.Equal(33, connect.Environment.Count);
            },
            e => Assert.Equal(new CommandReply(true, "client-auth command succeeded"), e),
            e =>
            {
                var established = Assert.IsType<ClientEstablished>(e);
                Assert.Equal(0ul, established.ClientId);
                Assert.Equal("192.168.43.10", established.Environment["ifconfig_pool_remote_ip"]);
            },
            e => Assert.Equal(new ClientAddress(0, IPAddress.Parse("192.168.43.10"), null, true), e),
            e =>
            {
                var reauth = Assert.IsType<ClientReauth>(e);
                Assert.Equal((0ul, 2ul), (reauth.ClientId, reauth.KeyId));
                Assert.Equal("dG9rZW4tZm9yLWFsaWNl.c2lnbmF0dXJl", reauth.Environment.Password);
            },
            e => Assert.IsType<CommandReply>(e),
            e =>
            {
                var disconnect = Assert.IsType<ClientDisconnect>(e);
                Assert.Equal(0ul, disconnect.ClientId);
                Assert.Equal(84123ul, disconnect.BytesReceived);
                Assert.Equal(1048576ul, disconnect.BytesSent);
            });
    }

    [Fact]
    public void Feed_CrLfLineEndings_AreTolerated()
    {
        var lines = Transcripts.Read("session.transcript").Select(l => l + "\r");

        var events = FeedAll(new ManagementParser(), lines);

        Assert.Equal("alice", Assert.IsType<ClientConnect>(events[1]).Environment.CommonName);
        Assert.Equal(8, events.Count);
    }

    [Fact]
    public void Feed_NoiseAndMalformedLines_OnlyKnownNotificationsSurvive()
    {
        var logger = new RecordingLogger<ManagementParserTests>();

        var events = FeedAll(new ManagementParser(logger: logger), Transcripts.Read("noise.transcript"));

        Assert.Equal(
            [
                new ManagementNotification("INFO", "OpenVPN Management Interface Version 5 -- type 'help' for more info"),
                new ManagementNotification("HOLD", "Waiting for hold release:0"),
                new ManagementNotification("STATE", "1795827600,CONNECTED,SUCCESS,192.168.43.1,,,,"),
                new ManagementNotification("LOG", "1795827600,I,Initialization Sequence Completed"),
                new ManagementNotification("BYTECOUNT_CLI", "0,1234,5678"),
                new CommandReply(false, "unknown command, enter 'help' for more options"),
                new ManagementNotification("FATAL", "cannot open TUN/TAP dev /dev/net/tun"),
            ],
            events);
        // Overflowing, negative and hex ids were refused, and no password of any ENV line was logged.
        Assert.Contains("18446744073709551616", logger.All);
        Assert.DoesNotContain("SCRV1:", logger.All);
        Assert.DoesNotContain("aGlkZGVu", logger.All);
        Assert.DoesNotContain("c3RyYXk", logger.All);
    }

    [Theory]
    [InlineData(">CLIENT:CONNECT,1")]
    [InlineData(">CLIENT:CONNECT,1,2,3")]
    [InlineData(">CLIENT:CONNECT, 1,2")]
    [InlineData(">CLIENT:CONNECT,+1,2")]
    [InlineData(">CLIENT:REAUTH,1,")]
    [InlineData(">CLIENT:DISCONNECT,")]
    [InlineData(">CLIENT:ESTABLISHED,1,2")]
    public void Feed_MalformedHeader_IsIgnoredWithItsBlock(string header)
    {
        var parser = new ManagementParser();

        var events = FeedAll(parser, [header, ">CLIENT:ENV,username=bob", ">CLIENT:ENV,END", "SUCCESS: ok"]);

        Assert.Equal([new CommandReply(true, "ok")], events);
    }

    [Fact]
    public void Feed_EnvironmentWithTooManyEntries_IsRefusedAndNotKept()
    {
        var parser = new ManagementParser(new ManagementLimits { MaxEnvironmentEntries = 10 });
        var lines = new List<string> { ">CLIENT:CONNECT,5,0" };
        lines.AddRange(Enumerable.Range(0, 100_000).Select(i => $">CLIENT:ENV,IV_X{i}=y"));
        lines.Add(">CLIENT:ENV,END");

        var events = FeedAll(parser, lines);

        var refused = Assert.IsType<ClientNotificationRefused>(Assert.Single(events));
        Assert.Equal(("CONNECT", 5ul, (ulong?)0ul), (refused.Kind, refused.ClientId, refused.KeyId));
        Assert.Contains("more than 10 variables", refused.Reason);
    }

    [Fact]
    public void Feed_EnvironmentOverCharacterLimit_IsRefused()
    {
        var parser = new ManagementParser(new ManagementLimits { MaxEnvironmentCharacters = 1000 });
        var lines = new[] { ">CLIENT:REAUTH,2,3" }
            .Concat(Enumerable.Range(0, 20).Select(i => $">CLIENT:ENV,v{i}={new string('a', 100)}"))
            .Append(">CLIENT:ENV,END");

        var events = FeedAll(parser, lines);

        Assert.Contains("characters", Assert.IsType<ClientNotificationRefused>(Assert.Single(events)).Reason);
    }

    [Fact]
    public void Feed_BlockWithoutEnd_IsRefusedAtTheNextLine()
    {
        var parser = new ManagementParser();

        var events = FeedAll(parser, [">CLIENT:CONNECT,9,4", ">CLIENT:ENV,username=bob", "SUCCESS: ok"]);

        Assert.Collection(events,
            e => Assert.Equal(new ClientNotificationRefused("CONNECT", 9, 4, "cut short by another line"), e),
            e => Assert.Equal(new CommandReply(true, "ok"), e));
    }

    [Fact]
    public void Complete_BlockWithoutEnd_IsRefused()
    {
        var parser = new ManagementParser();
        parser.Feed(">CLIENT:DISCONNECT,9");
        parser.Feed(">CLIENT:ENV,bytes_sent=1");

        var refused = Assert.IsType<ClientNotificationRefused>(Assert.Single(parser.Complete()));

        Assert.Equal(("DISCONNECT", (ulong?)null), (refused.Kind, refused.KeyId));
    }

    [Fact]
    public void Feed_DuplicateVariable_RefusesTheBlock()
    {
        var parser = new ManagementParser();

        var events = FeedAll(parser, [">CLIENT:CONNECT,1,0", ">CLIENT:ENV,username=alice", ">CLIENT:ENV,username=admin", ">CLIENT:ENV,END"]);

        Assert.Contains("twice", Assert.IsType<ClientNotificationRefused>(Assert.Single(events)).Reason);
    }

    [Fact]
    public void Feed_LineOverLimit_IsRefusedAndBreaksTheBlock()
    {
        var parser = new ManagementParser(new ManagementLimits { MaxLineLength = 300 });

        var events = FeedAll(parser, [">CLIENT:CONNECT,1,0", ">CLIENT:ENV,password=" + new string('x', 400), ">CLIENT:ENV,END", ">INFO:" + new string('y', 400)]);

        Assert.Contains("exceeds the limit", Assert.IsType<ClientNotificationRefused>(Assert.Single(events)).Reason);
    }

    [Fact]
    public void Feed_ReplyWithLines_GatheredToEndWithNotificationsPassedThrough()
    {
        var parser = new ManagementParser();
        var events = new List<ManagementEvent>();

        foreach (var line in new[] { "TITLE\tOpenVPN 2.6.14", ">INFO:between", "CLIENT_LIST\tUNDEF\t1", "END", ">INFO:after" })
        {
            events.AddRange(parser.Feed(line, replyHasLines: true));
        }

        Assert.Equal(new ManagementNotification("INFO", "between"), events[0]);
        var reply = Assert.IsType<CommandReply>(events[1]);
        Assert.Equal((true, ""), (reply.Success, reply.Message));
        Assert.Equal(["TITLE\tOpenVPN 2.6.14", "CLIENT_LIST\tUNDEF\t1"], reply.Lines);
        Assert.Equal(new ManagementNotification("INFO", "after"), events[2]);
    }

    [Fact]
    public void Feed_ReplyWithLinesButError_IsTheOneLineError()
    {
        var parser = new ManagementParser();

        var reply = Assert.IsType<CommandReply>(Assert.Single(parser.Feed("ERROR: status command failed", replyHasLines: true)));

        Assert.Equal((false, "status command failed", (IReadOnlyList<string>?)null), (reply.Success, reply.Message, reply.Lines));
    }

    [Fact]
    public void Feed_ReplyWithNoLines_EmptyReply()
    {
        var reply = Assert.IsType<CommandReply>(Assert.Single(new ManagementParser().Feed("END", replyHasLines: true)));

        Assert.Equal([], reply.Lines!);
    }

    [Fact]
    public void Feed_LinesWithoutAReplyWaiting_IgnoredAsBefore()
    {
        Assert.Empty(FeedAll(new ManagementParser(), ["TITLE\tOpenVPN 2.6.14", "END"]));
    }

    [Theory]
    [InlineData(3, 1_000_000)]
    [InlineData(1_000, 1024)]
    public void Feed_ReplyOverLimit_ReadToEndAndRefused(int maxLines, int maxCharacters)
    {
        var parser = new ManagementParser(new ManagementLimits { MaxReplyLines = maxLines, MaxReplyCharacters = maxCharacters });
        var events = new List<ManagementEvent>();

        foreach (var line in Enumerable.Range(0, 10).Select(i => "CLIENT_LIST\t" + new string('x', 200) + i).Append("END").Append("SUCCESS: next"))
        {
            events.AddRange(parser.Feed(line, replyHasLines: events.Count == 0));
        }

        var refused = Assert.IsType<CommandReply>(events[0]);
        Assert.False(refused.Success);
        Assert.StartsWith("reply refused: more than", refused.Message, StringComparison.Ordinal);
        Assert.Null(refused.Lines);
        Assert.Equal(new CommandReply(true, "next"), events[1]);
    }

    [Fact]
    public void Feed_ValueWithEqualsAndCommas_KeepsEverythingAfterTheFirstEquals()
    {
        var parser = new ManagementParser();

        var events = FeedAll(parser, [">CLIENT:ESTABLISHED,3", ">CLIENT:ENV,tls_id_0=C=US, O=Skyhook, CN=gw1", ">CLIENT:ENV,empty=", ">CLIENT:ENV,END"]);

        var environment = Assert.IsType<ClientEstablished>(Assert.Single(events)).Environment;
        Assert.Equal("C=US, O=Skyhook, CN=gw1", environment["tls_id_0"]);
        Assert.Equal("", environment["empty"]);
    }

    [Theory]
    [InlineData("bytes_received=12x", null)]
    [InlineData("bytes_received=-5", null)]
    [InlineData("bytes_received=99999999999999999999999", null)]
    [InlineData("bytes_received=42", 42ul)]
    public void Feed_DisconnectCounters_MalformedNumbersBecomeNull(string variable, ulong? expected)
    {
        var events = FeedAll(new ManagementParser(), [">CLIENT:DISCONNECT,7", ">CLIENT:ENV," + variable, ">CLIENT:ENV,END"]);

        var disconnect = Assert.IsType<ClientDisconnect>(Assert.Single(events));
        Assert.Equal(expected, disconnect.BytesReceived);
        Assert.Null(disconnect.BytesSent);
    }

    [Theory]
    [InlineData(">CLIENT:ADDRESS,1,192.168.43.0/255.255.255.0,0", "192.168.43.0", 24, false)]
    [InlineData(">CLIENT:ADDRESS,1,fd00::10/64,1", "fd00::10", 64, true)]
    public void Feed_AddressWithSubnet_ParsesPrefix(string line, string address, int prefix, bool primary)
    {
        var events = FeedAll(new ManagementParser(), [line]);

        Assert.Equal(new ClientAddress(1, IPAddress.Parse(address), prefix, primary), Assert.Single(events));
    }

    [Fact]
    public void ToString_Environment_MasksPasswordAndTokens()
    {
        var events = FeedAll(new ManagementParser(), Transcripts.Read("session.transcript"));
        var connect = events.OfType<ClientConnect>().Single();

        var text = connect.ToString();

        Assert.Contains("common_name=alice", text);
        Assert.Contains("password=***", text);
        Assert.DoesNotContain("SCRV1", text);
    }
}
