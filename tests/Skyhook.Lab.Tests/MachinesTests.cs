namespace Skyhook.Lab.Tests;

[Collection("lab")]
public sealed class MachinesTests(LabFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddGatewayHost_JoinsTheSwarmAndReachesTheOverlay_RemoveTakesItOut()
    {
        var lab = fixture.Lab;
        var gateway = await lab.AddGatewayHostAsync(1, Cancel);
        try
        {
            Assert.Equal("172.31.0.101", gateway.UnderlayAddress);
            Assert.Equal("198.51.100.11", gateway.PublicAddress);
            var nodes = await lab.DockerAsync(1, ["node", "ls", "--filter", "node.label=skyhook.lab.node=gw1", "--format", "{{.Status}}"], Cancel);
            Assert.Equal("Ready", nodes.StandardOutput.Trim());

            // A container on the gateway's own engine reaches web1 on node 1 over VXLAN.
            var page = await lab.DockerAsync(
                gateway.Engine,
                ["run", "--rm", "--network", "multi-host-overlay", "skyhook-lab/busybox:1", "timeout", "5", "wget", "-qO-", "http://web1/"],
                checkExitCode: true,
                Cancel);
            Assert.Equal("hello from web1", page.StandardOutput.Trim());
        }
        finally
        {
            await lab.RemoveGatewayHostAsync(gateway, Cancel);
        }

        var after = await lab.DockerAsync(1, ["node", "ls", "--filter", "node.label=skyhook.lab.node=gw1", "--quiet"], Cancel);
        Assert.Equal("", after.StandardOutput.Trim());
        Assert.False(File.Exists("/run/netns/" + gateway.Namespace));
    }

    [Fact]
    public async Task AddDesktop_ReachesGatewayPublicSide_NotTheUnderlay()
    {
        var lab = fixture.Lab;
        var gateway = await lab.AddGatewayHostAsync(2, Cancel);
        var desktop = await lab.AddDesktopAsync(1, Cancel);
        try
        {
            var toGateway = await lab.ExecAsync(desktop.Namespace, "ping", ["-c", "1", "-W", "2", gateway.PublicAddress], Cancel, checkExitCode: false);
            var toNode = await lab.ExecAsync(desktop.Namespace, "ping", ["-c", "1", "-W", "2", "172.31.0.11"], Cancel, checkExitCode: false);

            Assert.Equal("198.51.100.101", desktop.Address);
            Assert.True(toGateway.ExitCode == 0, toGateway.StandardOutput + toGateway.StandardError);
            Assert.NotEqual(0, toNode.ExitCode);
        }
        finally
        {
            await lab.RemoveDesktopAsync(desktop, Cancel);
            await lab.RemoveGatewayHostAsync(gateway, Cancel);
        }
        Assert.False(File.Exists("/run/netns/" + desktop.Namespace));
    }
}
