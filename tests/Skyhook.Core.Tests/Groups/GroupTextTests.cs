using Skyhook.Core.Groups;
using Skyhook.Core.Vpn;

namespace Skyhook.Core.Tests.Groups;

public sealed class GroupTextTests
{
    [Theory]
    [InlineData("udp", true)]
    [InlineData("tcp", true)]
    [InlineData("UDP", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParseTransport_OnlyLowerCaseWords_AndRoundTrips(string? text, bool valid)
    {
        Assert.Equal(valid, GroupText.TryParseTransport(text, out var transport));
        if (valid)
        {
            Assert.Equal(text, transport.ToText());
        }
    }

    [Theory]
    [InlineData("split", true)]
    [InlineData("full", true)]
    [InlineData("Full", false)]
    [InlineData("full ", false)]
    public void TryParseTunnelMode_OnlyLowerCaseWords_AndRoundTrips(string text, bool valid)
    {
        Assert.Equal(valid, GroupText.TryParseTunnelMode(text, out var mode));
        if (valid)
        {
            Assert.Equal(text, mode.ToText());
        }
    }

    [Fact]
    public void ToText_EveryValue_HasItsWord() =>
        Assert.Equal(["udp", "tcp", "split", "full"], [VpnTransport.Udp.ToText(), VpnTransport.Tcp.ToText(), TunnelMode.Split.ToText(), TunnelMode.Full.ToText()]);
}
