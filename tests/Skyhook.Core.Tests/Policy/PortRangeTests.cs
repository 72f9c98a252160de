using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy;

public sealed class PortRangeTests
{
    [Theory]
    [InlineData("80", 80, 80)]
    [InlineData("1", 1, 1)]
    [InlineData("65535", 65535, 65535)]
    [InlineData("25:1024", 25, 1024)]
    [InlineData("1:65535", 1, 65535)]
    public void Parse_ValidText_ReturnsRangeAndRoundTrips(string text, int first, int last)
    {
        var range = PortRange.Parse(text);

        Assert.Equal(first, range.First);
        Assert.Equal(last, range.Last);
        Assert.Equal(text, range.ToString());
    }

    [Fact]
    public void Parse_SamePortTwice_IsTheSinglePort()
    {
        var range = PortRange.Parse("443:443");

        Assert.Equal(new PortRange(443), range);
        Assert.Equal("443", range.ToString());
    }

    [Theory]
    [InlineData(null, "The port is empty; expected a port such as 80 or a range such as 25:1024.")]
    [InlineData("", "The port is empty")]
    [InlineData("0", "Port '0' is out of range; ports are 1 to 65535.")]
    [InlineData("65536", "Port '65536' is out of range")]
    [InlineData("70000", "Port '70000' is out of range")]
    [InlineData("99999999999", "Port '99999999999' is out of range")]
    [InlineData("0:80", "Port range '0:80' has port '0', which is out of range; ports are 1 to 65535.")]
    [InlineData("80:70000", "Port range '80:70000' has port '70000', which is out of range")]
    [InlineData("80:20", "Port range '80:20' is reversed; write 20:80.")]
    [InlineData("080", "Port '080' has a leading zero; write 80.")]
    [InlineData("25:01024", "Port '25:01024' has a leading zero; write 25:1024.")]
    [InlineData("80-90", "'80-90' is not a port range; ranges are written with a colon: 80:90.")]
    [InlineData("http", "'http' is not a port or port range; expected a port such as 80 or a range such as 25:1024.")]
    [InlineData(" 80", "' 80' is not a port or port range")]
    [InlineData("80 ", "'80 ' is not a port or port range")]
    [InlineData("80: 90", "'80: 90' is not a port or port range")]
    [InlineData("-80", "'-80' is not a port or port range")]
    [InlineData("+80", "'+80' is not a port or port range")]
    [InlineData("80:", "'80:' is not a port or port range")]
    [InlineData(":80", "':80' is not a port or port range")]
    [InlineData("1:2:3", "'1:2:3' is not a port or port range")]
    [InlineData("80,443", "'80,443' is not a port or port range")]
    [InlineData("８０", "'８０' is not a port or port range")]
    [InlineData("80\n", "'80\\n' is not a port or port range")]
    public void TryParse_InvalidText_FailsWithMessageNamingInput(string? text, string expectedFragment)
    {
        var parsed = PortRange.TryParse(text, out var range, out var error);

        Assert.False(parsed);
        Assert.Null(range);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsFormatExceptionWithTryParseMessage()
    {
        PortRange.TryParse("80:20", out _, out var error);

        var exception = Assert.Throws<FormatException>(() => PortRange.Parse("80:20"));

        Assert.Equal(error, exception.Message);
    }

    [Theory]
    [InlineData(0, 80, "first")]
    [InlineData(80, 65536, "last")]
    [InlineData(90, 80, "last")]
    public void Constructor_InvalidPorts_Throws(int first, int last, string paramName)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(first, last));

        Assert.Equal(paramName, exception.ParamName);
    }

    [Theory]
    [InlineData(24, false)]
    [InlineData(25, true)]
    [InlineData(500, true)]
    [InlineData(1024, true)]
    [InlineData(1025, false)]
    public void Contains_EdgesOfRange_AreInclusive(int port, bool expected)
    {
        Assert.Equal(expected, new PortRange(25, 1024).Contains(port));
    }
}
