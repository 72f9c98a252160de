using Skyhook.Core.Addressing;

namespace Skyhook.Core.Tests.Addressing;

public sealed class RangeConflictsTests
{
    private static NamedRange Range(string name, string cidr) => new(name, Cidr.Parse(cidr));

    [Fact]
    public void Find_OverlayContainsVpnPool_ReportsPairNamingBoth()
    {
        var overlay = Range("overlay multi-host-overlay", "10.0.0.0/16");
        var pool = Range("VPN pool gw1", "10.0.3.0/24");

        var conflict = Assert.Single(RangeConflicts.Find([overlay, pool]));

        Assert.Same(overlay, conflict.First);
        Assert.Same(pool, conflict.Second);
        Assert.Equal("overlay multi-host-overlay 10.0.0.0/16 overlaps VPN pool gw1 10.0.3.0/24", conflict.Message);
    }

    [Fact]
    public void Find_ReferenceAddressing_HasNoConflicts()
    {
        var ranges = new[]
        {
            Range("underlay", "172.31.0.0/16"),
            Range("overlay multi-host-overlay", "10.0.0.0/16"),
            Range("VPN pool gw1", "192.168.43.0/26"),
            Range("VPN pool gw2", "192.168.43.64/26"),
            Range("extra CIDR", "fd00::/64"),
        };

        Assert.Empty(RangeConflicts.Find(ranges));
    }

    [Fact]
    public void Find_SeveralOverlaps_ReportsEveryPairOnceInInputOrder()
    {
        var overlay = Range("overlay multi-host-overlay", "10.0.0.0/16");
        var gw1 = Range("VPN pool gw1", "10.0.3.0/24");
        var gw2 = Range("VPN pool gw2", "10.0.3.128/25");
        var extra = Range("extra CIDR", "172.16.0.0/12");

        var messages = RangeConflicts.Find([overlay, gw1, extra, gw2]).Select(c => c.Message);

        Assert.Equal(
            [
                "overlay multi-host-overlay 10.0.0.0/16 overlaps VPN pool gw1 10.0.3.0/24",
                "overlay multi-host-overlay 10.0.0.0/16 overlaps VPN pool gw2 10.0.3.128/25",
                "VPN pool gw1 10.0.3.0/24 overlaps VPN pool gw2 10.0.3.128/25",
            ],
            messages);
    }

    [Fact]
    public void Find_SmallerRangeFirst_StillReported()
    {
        var conflict = Assert.Single(RangeConflicts.Find([Range("VPN pool gw1", "10.0.3.0/24"), Range("overlay o", "10.0.0.0/16")]));

        Assert.Equal("VPN pool gw1 10.0.3.0/24 overlaps overlay o 10.0.0.0/16", conflict.Message);
    }

    [Fact]
    public void Find_SameRangeTwice_IsAConflict()
    {
        var conflict = Assert.Single(RangeConflicts.Find([Range("VPN pool gw1", "192.168.43.0/24"), Range("VPN pool gw2", "192.168.43.0/24")]));

        Assert.Equal("VPN pool gw1 192.168.43.0/24 overlaps VPN pool gw2 192.168.43.0/24", conflict.Message);
    }

    [Fact]
    public void Find_MixedFamilies_NeverConflict()
    {
        var v4 = Range("everything v4", "0.0.0.0/0");
        var v6 = Range("everything v6", "::/0");
        var ipv4Lookalike = Range("IPv4-compatible", "::a00:0/104");

        var conflict = Assert.Single(RangeConflicts.Find([v4, v6, ipv4Lookalike]));

        // Only the two IPv6 ranges collide; 0.0.0.0/0 touches neither.
        Assert.Same(v6, conflict.First);
        Assert.Same(ipv4Lookalike, conflict.Second);
    }

    [Fact]
    public void Find_AdjacentRanges_NoConflict()
    {
        Assert.Empty(RangeConflicts.Find([Range("a", "10.0.0.0/16"), Range("b", "10.1.0.0/16")]));
    }

    [Fact]
    public void Find_EmptyInput_NoConflict()
    {
        Assert.Empty(RangeConflicts.Find([]));
    }

    [Fact]
    public void Find_NullEntry_Throws()
    {
        Assert.Throws<ArgumentException>(() => RangeConflicts.Find([Range("a", "10.0.0.0/16"), null!]));
    }
}
