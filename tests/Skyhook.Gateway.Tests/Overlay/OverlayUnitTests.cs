using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Overlay;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Overlay;

/// <summary>What needs no engine: names, the nftables script, input checks, the namespace wrapper.</summary>
public sealed class OverlayUnitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("multi-host-overlay")]
    [InlineData("a-network-name-far-longer-than-any-linux-interface-name-could-be")]
    public void HostInterface_AnyName_FitsLinuxLimitAndIsStable(string network)
    {
        var name = OverlayNames.HostInterface(network);

        Assert.Matches("^skyo[0-9a-f]{8}$", name);
        Assert.Equal(name, OverlayNames.HostInterface(network));
        Assert.NotEqual(name, OverlayNames.HostInterface(network + "x"));
    }

    [Fact]
    public void MasqueradeScript_Overlay_ReplacesOwnTableAtomically()
    {
        var script = OverlayReconciler.MasqueradeScript("multi-host-overlay", "eth0");

        Assert.Equal(
            "table ip skyhook_anchor\n"
            + "delete table ip skyhook_anchor\n"
            + "table ip skyhook_anchor {\n"
            + "\tchain postrouting {\n"
            + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
            + "\t\toifname \"eth0\" masquerade comment \"skyhook:overlay=multi-host-overlay\"\n"
            + "\t}\n}\n",
            script);
    }

    [Theory]
    [InlineData("bad name", "10.0.0.0/16", "not a Docker network name")]
    [InlineData("net", "10.0.0.1/16", "net")]
    [InlineData("net", "fd00::/64", "not IPv4")]
    [InlineData("net", "169.254.0.0/24", "169.254.0.0/16")]
    public async Task ApplyAsync_InvalidOverlay_ThrowsNamingItBeforeTouchingAnything(string name, string subnet, string expected)
    {
        using var reconciler = Offline();

        var error = await Assert.ThrowsAsync<OverlayException>(() => reconciler.ApplyAsync([new OverlayDocument(name, subnet, true, null, null)], Cancel));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task ApplyAsync_DuplicateOrHalfJoinInfo_ThrowsEveryProblemWithoutTheToken()
    {
        using var reconciler = Offline();
        OverlayDocument[] overlays =
        [
            new("net", "10.0.0.0/16", true, null, null),
            new("net", "10.0.0.0/16", false, null, null),
            new("other", "10.1.0.0/16", true, null, "SWMTKN-secret"),
        ];

        var error = await Assert.ThrowsAsync<OverlayException>(() => reconciler.ApplyAsync(overlays, Cancel));

        Assert.Contains("'net' is listed 2 times", error.Message);
        Assert.Contains("'other': a swarm manager address and a join token go together", error.Message);
        Assert.DoesNotContain("SWMTKN", error.Message);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("169.254.0.0/31")]
    [InlineData("not a block")]
    public void Constructor_LinkBlockOutsideLinkLocal_Throws(string block)
    {
        Assert.Throws<OptionsValidationException>(() => Offline(block));
    }

    [Fact]
    public void InNetworkNamespace_Name_WrapsInNsenterAndKeepsSettings()
    {
        var spec = new ProcessSpec("ip", ["link", "show"]) { Timeout = TimeSpan.FromSeconds(3), Secrets = ["s3"], CheckExitCode = false };

        var wrapped = spec.InNetworkNamespace("lab-gw1");

        Assert.Equal("nsenter", wrapped.FileName);
        Assert.Equal(["--net=/run/netns/lab-gw1", "--", "ip", "link", "show"], wrapped.Arguments);
        Assert.Equal(spec.Timeout, wrapped.Timeout);
        Assert.Equal(spec.Secrets, wrapped.Secrets);
        Assert.False(wrapped.CheckExitCode);
        Assert.Equal(["--net=/proc/42/ns/net", "--", "ip", "link", "show"], spec.InNetworkNamespace(NetworkNamespace.OfProcess(42)).Arguments);
        Assert.Same(spec, spec.InNetworkNamespace(null));
    }

    [Fact]
    public async Task InNetworkNamespace_RealNamespace_RunsThere()
    {
        OverlayLabFixture.RequireLab();
        var name = "ovu" + OverlayLabFixture.Stem;
        var runner = new ProcessRunner();
        await runner.RunAsync("ip", ["netns", "add", name], Cancel);
        try
        {
            // A fresh namespace has nothing but a loopback that is down.
            var links = await runner.RunAsync(new ProcessSpec("ip", ["-o", "link"]).InNetworkNamespace(name), Cancel);

            Assert.Single(links.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("lo:", links.StandardOutput);
        }
        finally
        {
            await runner.RunAsync("ip", ["netns", "delete", name], CancellationToken.None);
        }
    }

    private static OverlayReconciler Offline(string linkBlock = "169.254.100.0/22") =>
        new(
            Options.Create(new OverlayOptions { DockerEndpoint = "unix:///nonexistent/docker.sock", LinkBlock = linkBlock }),
            new ProcessRunner(),
            NullLogger<OverlayReconciler>.Instance,
            TimeProvider.System);
}
