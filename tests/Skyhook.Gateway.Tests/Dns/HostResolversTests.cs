using System.Net;
using Skyhook.Gateway.Dns;

namespace Skyhook.Gateway.Tests.Dns;

public sealed class HostResolversTests
{
    [Fact]
    public void Parse_NameserverLinesInOrder_CommentsOptionsAndBadAddressesSkipped()
    {
        var servers = HostResolvers.Parse(
        [
            "# generated",
            "search example.com",
            "nameserver 10.255.255.53",
            "  nameserver\t2001:db8::53  ",
            "nameserver not-an-address",
            "nameserver",
            "options ndots:2",
            "nameserver 127.0.0.53 # stub",
        ]);
        Assert.Equal([IPAddress.Parse("10.255.255.53"), IPAddress.Parse("2001:db8::53"), IPAddress.Parse("127.0.0.53")], servers);
    }

    [Fact]
    public void Read_NoFile_NoServers() =>
        Assert.Empty(HostResolvers.Read("/nonexistent/resolv.conf"));
}
