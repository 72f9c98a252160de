using System.Net;
using System.Numerics;
using Skyhook.Core.Addressing;

namespace Skyhook.Core.Tests.Addressing;

public sealed class CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/16", "10.0.0.0", true)]
    [InlineData("10.0.0.0/16", "10.0.0.12", true)]
    [InlineData("10.0.0.0/16", "10.0.255.255", true)]
    [InlineData("10.0.0.0/16", "10.1.0.0", false)]
    [InlineData("10.0.0.0/16", "9.255.255.255", false)]
    [InlineData("0.0.0.0/0", "255.255.255.255", true)]
    [InlineData("0.0.0.0/0", "0.0.0.0", true)]
    [InlineData("10.0.0.12/32", "10.0.0.12", true)]
    [InlineData("10.0.0.12/32", "10.0.0.13", false)]
    [InlineData("fd00::/64", "fd00::1", true)]
    [InlineData("fd00::/64", "fd00::ffff:ffff:ffff:ffff", true)]
    [InlineData("fd00::/64", "fd00:0:0:1::", false)]
    [InlineData("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("::1/128", "::2", false)]
    public void Contains_Address_MatchesPrefix(string cidr, string address, bool expected)
    {
        Assert.Equal(expected, Cidr.Parse(cidr).Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "::")]
    [InlineData("0.0.0.0/0", "::ffff:10.0.0.1")]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1")]
    [InlineData("::/0", "10.0.0.1")]
    public void Contains_AddressOfOtherFamily_IsFalse(string cidr, string address)
    {
        Assert.False(Cidr.Parse(cidr).Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.3.0/24", true)]
    [InlineData("10.0.0.0/16", "10.0.0.0/16", true)]
    [InlineData("10.0.0.0/16", "10.0.0.0/8", false)]
    [InlineData("10.0.0.0/16", "10.1.0.0/24", false)]
    [InlineData("0.0.0.0/0", "10.0.0.0/8", true)]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", true)]
    [InlineData("10.0.0.12/32", "10.0.0.12/32", true)]
    [InlineData("fd00::/48", "fd00:0:0:5::/64", true)]
    [InlineData("fd00::/64", "fd00::/48", false)]
    [InlineData("::/0", "::1/128", true)]
    public void Contains_Cidr_OnlyWhenWhollyInside(string outer, string inner, bool expected)
    {
        Assert.Equal(expected, Cidr.Parse(outer).Contains(Cidr.Parse(inner)));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.3.0/24")]
    [InlineData("10.0.0.0/16", "10.0.0.0/16")]
    [InlineData("10.0.0.0/16", "10.0.255.255/32")]
    [InlineData("0.0.0.0/0", "192.168.43.0/24")]
    [InlineData("fd00::/8", "fd12:3456::/32")]
    [InlineData("::/0", "::/0")]
    public void Overlaps_SharedAddresses_IsTrueBothWays(string a, string b)
    {
        var first = Cidr.Parse(a);
        var second = Cidr.Parse(b);

        Assert.True(first.Overlaps(second));
        Assert.True(second.Overlaps(first));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.1.0.0/16")]
    [InlineData("192.168.43.0/26", "192.168.43.64/26")]
    [InlineData("10.0.0.12/32", "10.0.0.13/32")]
    [InlineData("fd00::/64", "fd00:0:0:1::/64")]
    public void Overlaps_AdjacentRanges_IsFalseBothWays(string a, string b)
    {
        var first = Cidr.Parse(a);
        var second = Cidr.Parse(b);

        Assert.False(first.Overlaps(second));
        Assert.False(second.Overlaps(first));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "::/0")]
    [InlineData("10.0.0.0/8", "::a00:0/104")]
    [InlineData("0.0.0.0/0", "::/64")]
    public void Overlaps_DifferentFamilies_IsFalseBothWays(string a, string b)
    {
        var first = Cidr.Parse(a);
        var second = Cidr.Parse(b);

        Assert.False(first.Overlaps(second));
        Assert.False(second.Overlaps(first));
        Assert.False(first.Contains(second));
        Assert.False(second.Contains(first));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.0.0", "10.0.255.255", "65536")]
    [InlineData("192.168.43.64/26", "192.168.43.64", "192.168.43.127", "64")]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "4294967296")]
    [InlineData("10.0.0.12/32", "10.0.0.12", "10.0.0.12", "1")]
    [InlineData("fd00::/64", "fd00::", "fd00::ffff:ffff:ffff:ffff", "18446744073709551616")]
    [InlineData("::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "340282366920938463463374607431768211456")]
    [InlineData("::1/128", "::1", "::1", "1")]
    public void Bounds_Prefix_FirstLastAndCount(string text, string first, string last, string count)
    {
        var cidr = Cidr.Parse(text);

        Assert.Equal(IPAddress.Parse(first), cidr.FirstAddress);
        Assert.Equal(IPAddress.Parse(last), cidr.LastAddress);
        Assert.Equal(BigInteger.Parse(count, System.Globalization.CultureInfo.InvariantCulture), cidr.AddressCount);
    }

    [Theory]
    [InlineData("10.0.0.0/16", 0UL, "10.0.0.0")]
    [InlineData("10.0.0.0/16", 12UL, "10.0.0.12")]
    [InlineData("10.0.0.0/16", 65535UL, "10.0.255.255")]
    [InlineData("0.0.0.0/0", 4294967295UL, "255.255.255.255")]
    [InlineData("10.0.0.12/32", 0UL, "10.0.0.12")]
    [InlineData("fd00::/64", 258UL, "fd00::102")]
    [InlineData("::1/128", 0UL, "::1")]
    public void AddressAt_OffsetInside_ReturnsAddress(string text, ulong offset, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), Cidr.Parse(text).AddressAt(offset));
    }

    [Fact]
    public void AddressAt_LastOffsetOfWholeIPv6Space_ReturnsAllOnes()
    {
        var address = Cidr.Parse("::/0").AddressAt(UInt128.MaxValue);

        Assert.Equal(IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), address);
    }

    [Theory]
    [InlineData("10.0.0.0/16", 65536UL)]
    [InlineData("10.0.0.12/32", 1UL)]
    [InlineData("0.0.0.0/0", 4294967296UL)]
    [InlineData("::1/128", 1UL)]
    public void AddressAt_OffsetOutside_Throws(string text, ulong offset)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Cidr.Parse(text).AddressAt(offset));

        Assert.Contains($"is outside {text}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subnets_SupernetInto26_YieldsFourBlocksInOrder()
    {
        var subnets = Cidr.Parse("192.168.43.0/24").Subnets(26).Select(s => s.ToString());

        Assert.Equal(["192.168.43.0/26", "192.168.43.64/26", "192.168.43.128/26", "192.168.43.192/26"], subnets);
    }

    [Fact]
    public void Subnets_SameLength_YieldsItself()
    {
        var cidr = Cidr.Parse("10.0.0.0/16");

        Assert.Equal([cidr], cidr.Subnets(16));
    }

    [Fact]
    public void Subnets_HostRoute_YieldsOneAddress()
    {
        Assert.Equal([Cidr.Parse("10.0.0.12/32")], Cidr.Parse("10.0.0.12/32").Subnets(32));
    }

    [Fact]
    public void Subnets_Slash30IntoSlash32_YieldsEveryAddress()
    {
        var subnets = Cidr.Parse("10.0.0.4/30").Subnets(32).Select(s => s.ToString());

        Assert.Equal(["10.0.0.4/32", "10.0.0.5/32", "10.0.0.6/32", "10.0.0.7/32"], subnets);
    }

    [Fact]
    public void Subnets_WholeIPv4SpaceIntoHalves_EndsAtTopOfSpace()
    {
        var subnets = Cidr.Parse("0.0.0.0/0").Subnets(1).Select(s => s.ToString());

        Assert.Equal(["0.0.0.0/1", "128.0.0.0/1"], subnets);
    }

    [Fact]
    public void Subnets_WholeIPv6SpaceIntoHalves_DoesNotWrapAround()
    {
        var subnets = Cidr.Parse("::/0").Subnets(1).Select(s => s.ToString());

        Assert.Equal(["::/1", "8000::/1"], subnets);
    }

    [Fact]
    public void Subnets_WholeIPv6SpaceIntoSelf_YieldsOnce()
    {
        Assert.Equal([Cidr.Parse("::/0")], Cidr.Parse("::/0").Subnets(0));
    }

    [Fact]
    public void Subnets_LastBlocksOfIPv6Space_EndAtAllOnes()
    {
        var subnets = Cidr.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126").Subnets(128).Select(s => s.ToString()).ToList();

        Assert.Equal(4, subnets.Count);
        Assert.Equal("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", subnets[^1]);
    }

    [Fact]
    public void Subnets_HugeCount_IsLazy()
    {
        var first = Cidr.Parse("::/0").Subnets(128).Skip(1).Take(2).Select(s => s.ToString());

        Assert.Equal(["::1/128", "::2/128"], first);
    }

    [Theory]
    [InlineData("10.0.0.0/16", 8)]
    [InlineData("10.0.0.0/16", 33)]
    [InlineData("fd00::/64", 129)]
    [InlineData("fd00::/64", -1)]
    public void Subnets_LengthOutsideRange_ThrowsAtCall(string text, int newPrefixLength)
    {
        var cidr = Cidr.Parse(text);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => cidr.Subnets(newPrefixLength));

        Assert.Contains($"Cannot split {text} into /{newPrefixLength} subnets", exception.Message, StringComparison.Ordinal);
    }
}
