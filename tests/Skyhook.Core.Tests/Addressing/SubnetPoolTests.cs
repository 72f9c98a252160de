using Skyhook.Core.Addressing;

namespace Skyhook.Core.Tests.Addressing;

public sealed class SubnetPoolTests
{
    private static HashSet<Cidr> Taken(params string[] cidrs) => [.. cidrs.Select(Cidr.Parse)];

    [Theory]
    [InlineData("192.168.43.0/24", 26, 4)]
    [InlineData("192.168.0.0/16", 24, 256)]
    [InlineData("192.168.43.0/24", 24, 1)]
    [InlineData("10.0.0.0/8", 30, 4194304)]
    [InlineData("fd00::/48", 64, 65536)]
    [InlineData("fd00::/96", 126, 1073741824)]
    public void Create_ValidLengths_ReportsCapacity(string supernet, int blockPrefixLength, int capacity)
    {
        var pool = SubnetPool.Create(Cidr.Parse(supernet), blockPrefixLength);

        Assert.Equal(capacity, pool.Capacity);
        Assert.Equal(Cidr.Parse(supernet), pool.Supernet);
        Assert.Equal(blockPrefixLength, pool.BlockPrefixLength);
    }

    [Theory]
    [InlineData("192.168.43.0/24", 16, "Blocks of /16 do not fit in 192.168.43.0/24; the block prefix length must be from 24 to 30")]
    [InlineData("192.168.43.0/24", 31, "Blocks of /31 are too small for a VPN pool; the longest IPv4 block is /30")]
    [InlineData("192.168.43.0/24", 32, "the longest IPv4 block is /30")]
    [InlineData("fd00::/64", 127, "the longest IPv6 block is /126")]
    [InlineData("fd00::/64", 96, "Carving fd00::/64 into /96 blocks gives 2^32 blocks; at most 2^30 are supported")]
    [InlineData("0.0.0.0/0", 31, "too small")]
    public void Create_InvalidBlockLength_ThrowsNamingTheProblem(string supernet, int blockPrefixLength, string expectedFragment)
    {
        var exception = Assert.Throws<ArgumentException>(() => SubnetPool.Create(Cidr.Parse(supernet), blockPrefixLength));

        Assert.Equal("blockPrefixLength", exception.ParamName);
        Assert.Contains(expectedFragment, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WholeIPv4SpaceIntoSlash30_AllowsTheLargestPool()
    {
        Assert.Equal(1 << 30, SubnetPool.Create(Cidr.Parse("0.0.0.0/0"), 30).Capacity);
    }

    [Fact]
    public void Create_DefaultSupernet_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => SubnetPool.Create(default, 24));
    }

    [Fact]
    public void Allocate_NothingTaken_ReturnsFirstBlock()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        Assert.Equal(Cidr.Parse("192.168.43.0/26"), pool.Allocate(Taken()));
    }

    [Fact]
    public void Allocate_FirstBlocksTaken_SkipsThem()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        Assert.Equal(Cidr.Parse("192.168.43.128/26"), pool.Allocate(Taken("192.168.43.0/26", "192.168.43.64/26")));
    }

    [Fact]
    public void Allocate_HoleInTheMiddle_ReturnsLowestFreeBlock()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.0.0/16"), 24);

        var block = pool.Allocate(Taken("192.168.2.0/24", "192.168.0.0/24", "192.168.1.0/24", "192.168.4.0/24"));

        Assert.Equal(Cidr.Parse("192.168.3.0/24"), block);
    }

    [Fact]
    public void Allocate_TakenRangePartlyInsideABlock_SkipsThatBlock()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        // One hand-entered /32 in the first block makes the whole block unusable.
        Assert.Equal(Cidr.Parse("192.168.43.64/26"), pool.Allocate(Taken("192.168.43.10/32")));
    }

    [Fact]
    public void Allocate_TakenRangeSpanningBlocks_SkipsAllOfThem()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        Assert.Equal(Cidr.Parse("192.168.43.128/26"), pool.Allocate(Taken("192.168.43.0/25")));
    }

    [Fact]
    public void Allocate_NestedTakenRanges_SkipsPastTheOuterOne()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        var block = pool.Allocate(Taken("192.168.43.0/25", "192.168.43.64/26", "192.168.43.70/32"));

        Assert.Equal(Cidr.Parse("192.168.43.128/26"), block);
    }

    [Fact]
    public void Allocate_TakenOutsideSupernetOrOtherFamily_Ignored()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        var block = pool.Allocate(Taken("10.0.0.0/16", "192.168.42.0/24", "192.168.44.0/24", "::/0"));

        Assert.Equal(Cidr.Parse("192.168.43.0/26"), block);
    }

    [Fact]
    public void Allocate_AllBlocksTaken_ReturnsNull()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        var block = pool.Allocate(Taken("192.168.43.0/26", "192.168.43.64/26", "192.168.43.128/26", "192.168.43.192/26"));

        Assert.Null(block);
    }

    [Fact]
    public void Allocate_LastBlockPartlyTaken_ReturnsNull()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        Assert.Null(pool.Allocate(Taken("192.168.43.0/25", "192.168.43.128/26", "192.168.43.255/32")));
    }

    [Fact]
    public void Allocate_SupernetInsideTakenRange_ReturnsNull()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);

        Assert.Null(pool.Allocate(Taken("192.168.0.0/16")));
    }

    [Fact]
    public void Allocate_RepeatedWithResults_FillsPoolThenReturnsNull()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.0.0/16"), 24);
        var taken = new HashSet<Cidr>();
        var handedOut = new List<Cidr>();

        for (var i = 0; i < pool.Capacity; i++)
        {
            var block = pool.Allocate(taken);
            Assert.NotNull(block);
            Assert.True(taken.Add(block.Value), $"{block} was handed out twice");
            handedOut.Add(block.Value);
        }

        Assert.Null(pool.Allocate(taken));
        Assert.Equal(Cidr.Parse("192.168.0.0/16").Subnets(24), handedOut);
        Assert.Empty(RangeConflicts.Find(handedOut.Select((c, i) => new NamedRange($"gw{i}", c))));
    }

    [Fact]
    public void Allocate_SameInput_SameAnswer()
    {
        var pool = SubnetPool.Create(Cidr.Parse("192.168.43.0/24"), 26);
        var taken = Taken("192.168.43.64/26", "192.168.43.0/26");

        Assert.Equal(pool.Allocate(taken), pool.Allocate(Taken("192.168.43.0/26", "192.168.43.64/26")));
    }

    [Fact]
    public void Allocate_TopOfIPv6Space_ReturnsLastBlockThenNull()
    {
        var pool = SubnetPool.Create(Cidr.Parse("ffff:ffff:ffff:ffff::/64"), 65);

        var last = pool.Allocate(Taken("ffff:ffff:ffff:ffff::/65"));

        Assert.Equal(Cidr.Parse("ffff:ffff:ffff:ffff:8000::/65"), last);
        Assert.Null(pool.Allocate(Taken("ffff:ffff:ffff:ffff::/65", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")));
    }

    [Fact]
    public void Allocate_IPv6Pool_SkipsTaken()
    {
        var pool = SubnetPool.Create(Cidr.Parse("fd00::/48"), 64);

        Assert.Equal(Cidr.Parse("fd00:0:0:1::/64"), pool.Allocate(Taken("fd00::/64")));
    }
}
