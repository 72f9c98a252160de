using System.Buffers.Binary;
using System.Net;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Vpn;

namespace Skyhook.Gateway.Tests.Telemetry;

public sealed class WebSnifferTests
{
    private static readonly byte[] ClientHello = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Telemetry", "testdata", "curl-clienthello.bin"));

    [Fact]
    public void Add_ClientHelloInTwoSegmentsWithARetransmission_IsOneHttpsEvent()
    {
        var (sniffer, sink) = Sniffer();
        var first = ClientHello[..200];
        var second = ClientHello[200..];

        sniffer.Add(Segment(1000, first), null);
        sniffer.Add(Segment(1000, first), null);
        // A segment after a gap is passed over; the retransmission that fills the gap is taken.
        sniffer.Add(Segment(1000 + 300, second[100..]), null);
        Assert.Empty(sink.Events);
        sniffer.Add(Segment(1000 + 200, second), null);
        sniffer.Add(Segment(1000 + 200, second), null);

        var web = Assert.Single(sink.Events);
        Assert.Equal((EventKinds.Web, "https", "web1.apps.internal", "alice", "10.0.5.10", 443), (web.Kind, web.Scheme, web.Name, web.User, web.Destination, web.Port));
    }

    [Fact]
    public void Add_NotAWebProtocol_GivesNothing()
    {
        var (sniffer, sink) = Sniffer();

        sniffer.Add(Segment(5, "SSH-2.0-OpenSSH_9.2p1\r\n"u8.ToArray()), null);
        sniffer.Add(Segment(5 + 23, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()), null);

        Assert.Empty(sink.Events);
    }

    private static (WebSniffer Sniffer, RecordingEventSink Sink) Sniffer()
    {
        var sessions = new VpnSessions();
        sessions.Add(new VpnSession(1, "alice", "dev", IPAddress.Parse("10.8.0.2"), null, DateTimeOffset.UnixEpoch));
        var sink = new RecordingEventSink();
        return (new WebSniffer(new FlowContext(sessions), sink, TimeProvider.System, 16), sink);
    }

    /// <summary>An IPv4 TCP segment 10.8.0.2:40000 -> 10.0.5.10:443 with <paramref name="payload"/> at <paramref name="sequence"/>.</summary>
    private static byte[] Segment(uint sequence, byte[] payload)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 6;
        IPAddress.Parse("10.8.0.2").TryWriteBytes(packet.AsSpan(12), out _);
        IPAddress.Parse("10.0.5.10").TryWriteBytes(packet.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), 443);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(24), sequence);
        packet[32] = 0x50;
        packet[33] = 0x18;
        payload.CopyTo(packet, 40);
        return packet;
    }
}
