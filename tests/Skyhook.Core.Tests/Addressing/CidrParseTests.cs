using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Tests.Addressing;

public sealed class CidrParseTests
{
    [Theory]
    [InlineData("10.0.0.0/16", "10.0.0.0", 16, AddressFamily.InterNetwork)]
    [InlineData("192.168.43.0/24", "192.168.43.0", 24, AddressFamily.InterNetwork)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, AddressFamily.InterNetwork)]
    [InlineData("255.255.255.255/32", "255.255.255.255", 32, AddressFamily.InterNetwork)]
    [InlineData("10.0.0.12/32", "10.0.0.12", 32, AddressFamily.InterNetwork)]
    [InlineData("fd00::/64", "fd00::", 64, AddressFamily.InterNetworkV6)]
    [InlineData("::/0", "::", 0, AddressFamily.InterNetworkV6)]
    [InlineData("::1/128", "::1", 128, AddressFamily.InterNetworkV6)]
    [InlineData("2001:db8::/32", "2001:db8::", 32, AddressFamily.InterNetworkV6)]
    public void Parse_ValidText_ReturnsNetwork(string text, string network, int prefixLength, AddressFamily family)
    {
        var cidr = Cidr.Parse(text);

        Assert.Equal(IPAddress.Parse(network), cidr.Network);
        Assert.Equal(prefixLength, cidr.PrefixLength);
        Assert.Equal(family, cidr.Family);
        Assert.Equal(text, cidr.ToString());
    }

    [Theory]
    [InlineData("FD00:0000:0000::/64", "fd00::/64")]
    [InlineData("2001:DB8:0:0:1:0:0:0/128", "2001:db8:0:0:1::/128")]
    [InlineData("2001:db8:0:0:0:1:0:0/128", "2001:db8::1:0:0/128")]
    [InlineData("2001:db8:0:1:1:1:1:1/128", "2001:db8:0:1:1:1:1:1/128")]
    [InlineData("1:0:0:2:0:0:0:0/128", "1:0:0:2::/128")]
    [InlineData("1:0:0:2:0:0:3:0/128", "1::2:0:0:3:0/128")]
    [InlineData("::a00:0/104", "::a00:0/104")]
    [InlineData("64:ff9b::/96", "64:ff9b::/96")]
    public void ToString_IPv6_IsCanonicalRfc5952Hex(string text, string expected)
    {
        var cidr = Cidr.Parse(text);

        Assert.Equal(expected, cidr.ToString());
        Assert.Equal(cidr, Cidr.Parse(cidr.ToString()));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData(" 10.0.0.0/16", "' 10.0.0.0/16' has leading or trailing whitespace")]
    [InlineData("10.0.0.0/16\n", "has leading or trailing whitespace")]
    [InlineData("10.0.0.0", "10.0.0.0 is missing a prefix length; write 10.0.0.0/32 for a single address")]
    [InlineData("10.0.0.0/", "10.0.0.0/ is missing a prefix length")]
    [InlineData("fd00::1", "fd00::1 is missing a prefix length; write fd00::1/128")]
    [InlineData("10.0.0.0/33", "10.0.0.0/33 has a prefix length out of range for IPv4 (0-32)")]
    [InlineData("10.0.0.0/99999999999", "out of range for IPv4 (0-32)")]
    [InlineData("fd00::/129", "fd00::/129 has a prefix length out of range for IPv6 (0-128)")]
    [InlineData("10.0.0.0/-1", "10.0.0.0/-1 has an invalid prefix length '-1'")]
    [InlineData("10.0.0.0/+8", "invalid prefix length '+8'")]
    [InlineData("10.0.0.0/16/8", "invalid prefix length '16/8'")]
    [InlineData("10.0.0.0/08", "10.0.0.0/08 has a leading zero in its prefix length; write 10.0.0.0/8")]
    [InlineData("10.0.0.1/16", "10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?")]
    [InlineData("192.168.43.77/26", "did you mean 192.168.43.64/26?")]
    [InlineData("fd00::1/64", "fd00::1/64 has host bits set; did you mean fd00::/64?")]
    [InlineData("hello", "hello is not a CIDR")]
    [InlineData("hello/8", "'hello' is not an IPv4 address")]
    [InlineData("10.0.0/8", "'10.0.0' is not an IPv4 address of four decimal numbers")]
    [InlineData("10/8", "'10' is not an IPv4 address")]
    [InlineData("0x0a.0.0.0/8", "'0x0a.0.0.0' is not an IPv4 address")]
    [InlineData("10.0.0.0.0/8", "is not an IPv4 address")]
    [InlineData("10.0.0.256/32", "10.0.0.256/32 is not a CIDR: octet 256 is greater than 255")]
    [InlineData("010.0.0.0/8", "010.0.0.0/8 is ambiguous: an octet has a leading zero, which some tools read as octal; write 10.0.0.0")]
    [InlineData("10.0.00.0/16", "10.0.00.0/16 is ambiguous")]
    [InlineData("10.0.0.0 /16", "'10.0.0.0 ' is not an IPv4 address")]
    [InlineData("fd00:::/64", "'fd00:::' is not an IPv6 address")]
    [InlineData("fd00::g/64", "'fd00::g' is not an IPv6 address")]
    [InlineData("[fd00::]/64", "remove the brackets")]
    [InlineData("fe80::%eth0/64", "fe80::%eth0/64 has an IPv6 zone")]
    [InlineData("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 network; write the IPv4 network 10.0.0.0/8 instead")]
    [InlineData("::ffff:a00:0/104", "::ffff:a00:0/104 is an IPv4-mapped IPv6 network; write the IPv4 network 10.0.0.0/8")]
    [InlineData("::ffff:10.0.0.1/128", "write the IPv4 network 10.0.0.1/32")]
    [InlineData("::ffff:0:0/96", "write the IPv4 network 0.0.0.0/0")]
    [InlineData("::10.0.0.0/104", "::10.0.0.0/104 writes an IPv4 address inside an IPv6 one, which is easy to misread; write it in hex: ::a00:0/104")]
    [InlineData("64:ff9b::1.2.3.4/128", "write it in hex: 64:ff9b::102:304/128")]
    public void TryParse_InvalidText_FailsWithMessageNamingTheProblem(string? text, string expectedFragment)
    {
        var parsed = Cidr.TryParse(text, out var cidr, out var error);

        Assert.False(parsed);
        Assert.Equal(default, cidr);
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1/16")]
    [InlineData("010.0.0.0/8")]
    [InlineData("")]
    [InlineData("fd00::/129")]
    public void Parse_InvalidText_ThrowsFormatExceptionWithTryParseMessage(string text)
    {
        Cidr.TryParse(text, out _, out var error);

        var exception = Assert.Throws<FormatException>(() => Cidr.Parse(text));

        Assert.Equal(error, exception.Message);
    }

    [Fact]
    public void TryParse_ValidText_LeavesErrorNull()
    {
        var parsed = Cidr.TryParse("10.0.3.0/24", out var cidr, out var error);

        Assert.True(parsed);
        Assert.Null(error);
        Assert.Equal("10.0.3.0/24", cidr.ToString());
    }

    [Fact]
    public void Equals_SameNetworkWrittenDifferently_AreEqualWithSameHash()
    {
        var a = Cidr.Parse("fd00:0::/64");
        var b = Cidr.Parse("FD00::/64");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentPrefixLength_AreNotEqual()
    {
        Assert.NotEqual(Cidr.Parse("10.0.0.0/16"), Cidr.Parse("10.0.0.0/24"));
    }

    [Fact]
    public void Equals_SameBitsDifferentFamily_AreNotEqual()
    {
        Assert.NotEqual(Cidr.Parse("0.0.0.0/0"), Cidr.Parse("::/0"));
    }

    [Fact]
    public void Create_ValidAddressAndLength_MatchesParse()
    {
        var cidr = Cidr.Create(IPAddress.Parse("10.0.3.0"), 24);

        Assert.Equal(Cidr.Parse("10.0.3.0/24"), cidr);
    }

    [Fact]
    public void Create_HostBitsSet_ThrowsWithSuggestion()
    {
        var exception = Assert.Throws<ArgumentException>(() => Cidr.Create(IPAddress.Parse("10.0.3.7"), 24));

        Assert.Contains("10.0.3.7/24 has host bits set; did you mean 10.0.3.0/24?", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0", 33)]
    [InlineData("10.0.0.0", -1)]
    [InlineData("fd00::", 129)]
    public void Create_PrefixLengthOutOfRange_Throws(string address, int prefixLength)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.Create(IPAddress.Parse(address), prefixLength));

        Assert.Contains("out of range", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MappedAddress_ThrowsWithIPv4Spelling()
    {
        var mapped = IPAddress.Parse("10.0.0.0").MapToIPv6();

        var exception = Assert.Throws<ArgumentException>(() => Cidr.Create(mapped, 104));

        Assert.Contains("write the IPv4 network 10.0.0.0/8", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AddressWithScope_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => Cidr.Create(IPAddress.Parse("fe80::%2"), 64));

        Assert.Contains("zone", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_CallerMutatesReturnedAddress_CidrIsUnchanged()
    {
        var cidr = Cidr.Parse("fe80::/64");

        cidr.Network.ScopeId = 7;

        Assert.Equal(0, cidr.Network.ScopeId);
        Assert.Equal("fe80::/64", cidr.ToString());
    }

    [Fact]
    public void Default_IsNotANetwork_MembersThrow()
    {
        var cidr = default(Cidr);

        Assert.Equal(AddressFamily.Unspecified, cidr.Family);
        Assert.Throws<InvalidOperationException>(() => cidr.PrefixLength);
        Assert.Throws<InvalidOperationException>(() => cidr.Network);
        Assert.Throws<InvalidOperationException>(() => cidr.Contains(IPAddress.Parse("10.0.0.1")));
        Assert.Throws<InvalidOperationException>(() => Cidr.Parse("0.0.0.0/0").Contains(cidr));
        Assert.Throws<InvalidOperationException>(() => cidr.Subnets(8));
        Assert.Equal("(unset Cidr)", cidr.ToString());
    }
}
