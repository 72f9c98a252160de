using Skyhook.Lab;
using Skyhook.Lab.Topology;

namespace Skyhook.Lab.Tests;

public sealed class LabOptionsTests
{
    [Theory]
    [InlineData("sky", 2)]
    [InlineData("a", 6)]
    [InlineData("abcdefg8", 2)]
    public void Validate_GoodOptions_HasNoProblems(string prefix, int nodes) =>
        Assert.Empty(new LabOptions { Prefix = prefix, Nodes = nodes }.Validate());

    [Fact]
    public void Validate_BadPrefixAndNodes_ReportsBoth()
    {
        var problems = new LabOptions { Prefix = "9lives", Nodes = 7 }.Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains("--prefix '9lives'", problems[0]);
        Assert.Contains("--nodes 7 is out of range", problems[1]);
    }

    [Fact]
    public void Layout_LongestPrefixAndHighestNumbers_FitLinuxInterfaceNames()
    {
        var layout = new LabLayout("abcdefgh");

        Assert.All(
            new[] { layout.HostLink, "gw80u", "gw80i", "d80", "n6" },
            name => Assert.InRange(name.Length, 1, 15));
        // containerd's socket lives under the exec root; a unix socket path may not exceed 108 bytes.
        Assert.InRange((layout.Engine(layout.GatewayNamespace(80)).ExecRoot + "/containerd/containerd.sock.ttrpc").Length, 1, 107);
    }

    [Fact]
    public void Layout_Addresses_FollowTheSeedsLandingVpcAndTheInternetSide()
    {
        Assert.Equal("172.31.0.11", LabLayout.NodeAddress(1).ToString());
        Assert.Equal("172.31.0.102", LabLayout.GatewayUnderlayAddress(2).ToString());
        Assert.Equal("198.51.100.12", LabLayout.GatewayPublicAddress(2).ToString());
        Assert.Equal("198.51.100.103", LabLayout.DesktopAddress(3).ToString());
    }
}
