using System.Net;
using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

public sealed class DestinationTests
{
    [Fact]
    public void Constructor_AllProtocol_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Destination(IPAddress.Loopback, Protocol.All, null));
    }

    [Theory]
    [InlineData(Protocol.Tcp, null)]
    [InlineData(Protocol.Udp, null)]
    [InlineData(Protocol.Tcp, -1)]
    [InlineData(Protocol.Tcp, 65536)]
    [InlineData(Protocol.Icmp, 80)]
    public void Constructor_PortDoesNotFitProtocol_Throws(Protocol protocol, int? port)
    {
        var exception = Assert.Throws<ArgumentException>(() => new Destination(IPAddress.Loopback, protocol, port));

        Assert.Equal("port", exception.ParamName);
    }

    [Fact]
    public void Constructor_IPv4MappedAddress_IsStoredAsIPv4()
    {
        var destination = new Destination(IPAddress.Parse("::ffff:10.0.0.12"), Protocol.Tcp, 80);

        Assert.Equal(IPAddress.Parse("10.0.0.12"), destination.Address);
    }

    [Fact]
    public void ToString_WithContainer_NamesPacketAndContainer()
    {
        var facts = new EndpointFacts("web1", null, new Dictionary<string, string>(), []);

        Assert.Equal("tcp/80 to 10.0.0.12 (web1)", new Destination(IPAddress.Parse("10.0.0.12"), Protocol.Tcp, 80, facts).ToString());
        Assert.Equal("icmp to 10.0.3.7", new Destination(IPAddress.Parse("10.0.3.7"), Protocol.Icmp, null).ToString());
    }
}
