using System.Net;
using Skyhook.Gateway.Policy;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Tests.Telemetry;

public sealed class IpPacketTests
{
    // IPv4 10.8.0.2:40000 -> 10.0.5.10:80, TCP seq 1000, PSH|ACK, payload "GET /".
    private static readonly byte[] Tcp4 =
    [
        0x45, 0, 0, 45, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 8, 0, 2, 10, 0, 5, 10,
        0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
        (byte)'G', (byte)'E', (byte)'T', (byte)' ', (byte)'/',
    ];

    [Fact]
    public void TryRead_Tcp_GivesTupleSequenceAndPayload()
    {
        Assert.True(IpPacket.TryRead(Tcp4, out var packet));
        Assert.Equal(new ConntrackEntry(System.Net.Sockets.AddressFamily.InterNetwork, 6, IPAddress.Parse("10.8.0.2"), IPAddress.Parse("10.0.5.10"), 40000, 80), packet.Entry);
        Assert.Equal(1000u, packet.Sequence);
        Assert.Equal("GET /"u8.ToArray(), packet.Captured(Tcp4).ToArray());
    }

    [Fact]
    public void TryRead_CutByTheSnapLength_KeepsTheLengthAndCapturesLess()
    {
        Assert.True(IpPacket.TryRead(Tcp4.AsSpan(0, 42), out var packet));
        Assert.Equal(5, packet.PayloadLength);
        Assert.Equal(2, packet.Captured(Tcp4.AsSpan(0, 42)).Length);
        Assert.False(IpPacket.TryRead(Tcp4.AsSpan(0, 30), out _));
    }

    [Fact]
    public void TryRead_AnyBytes_NeverThrows()
    {
        var random = new Random(9);
        for (var i = 0; i < 20000; i++)
        {
            var bytes = (byte[])Tcp4.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var length = random.Next(bytes.Length + 1);
            if (IpPacket.TryRead(bytes.AsSpan(0, length), out var packet))
            {
                Assert.True(packet.Captured(bytes.AsSpan(0, length)).Length <= length);
            }
        }
    }
}
