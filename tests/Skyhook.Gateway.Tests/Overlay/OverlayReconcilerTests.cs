using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Overlay;
using Skyhook.Lab.Topology;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Overlay;

/// <summary>The overlay reconciler against real engines: a swarm of two nodes and a gateway host in namespaces.</summary>
[Collection(OverlayLabCollection.Name)]
public sealed class OverlayReconcilerTests(OverlayLabFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Network = LabLayout.OverlayName;
    private static readonly OverlayDocument Enabled = new(Network, LabLayout.OverlaySubnet, true, null, null);
    private static readonly OverlayDocument Disabled = Enabled with { Enabled = false };

    private readonly ProcessRunner _runner = new();
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("skyhook-overlay-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    // Whatever a test did, the gateway host ends with no overlay attached.
    public async ValueTask DisposeAsync()
    {
        if (OverlayLabFixture.WhyNoLab() is null)
        {
            try
            {
                using var reconciler = NewReconciler(out _);
                await reconciler.ApplyAsync([], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // The lab never came up: nothing to clean.
            }
        }
        Directory.Delete(_stateDirectory, recursive: true);
    }

    [Fact]
    public async Task Apply_EnabledOverlay_GatewayReachesWebOnBothNodes()
    {
        var lab = fixture.Lab;
        using var reconciler = NewReconciler(out _);

        var report = await reconciler.ApplyAsync([Enabled], Cancel);

        var status = Assert.Single(report.Overlays);
        Assert.True(status.Attached, status.ToString());
        Assert.Null(status.Error);
        Assert.StartsWith("10.0.", status.AnchorAddress);
        Assert.StartsWith("169.254.", status.LinkAddress);
        Assert.Equal("hello from web1", await FetchAsync(fixture.Gateway.Namespace, fixture.Web1));
        Assert.Equal("hello from web2", await FetchAsync(fixture.Gateway.Namespace, fixture.Web2));

        var anchor = await lab.DockerAsync(fixture.Gateway.Engine, ["inspect", "--format", "{{.Id}} {{.State.Running}} {{json .NetworkSettings.Networks}}", "skyhook-anchor-" + Network], true, Cancel);
        Assert.StartsWith(status.AnchorId + " true ", anchor.StandardOutput);
        Assert.Contains(Network, anchor.StandardOutput);
        var route = await lab.ExecAsync(fixture.Gateway.Namespace, "ip", ["-4", "route", "show", "exact", LabLayout.OverlaySubnet], Cancel);
        Assert.Contains("dev " + status.HostInterface, route.StandardOutput);
    }

    [Fact]
    public async Task Apply_VpnClientBehindGateway_ForwardedThroughDockerUserToOtherNode()
    {
        var lab = fixture.Lab;
        var client = lab.Layout.Prefix + "-vpn";
        using var reconciler = NewReconciler(out _);
        try
        {
            // A stand-in for a VPN tunnel: a namespace behind an interface that matches skyvpn+, with an
            // address the anchor has no route to unless replies go back over the veth.
            await _runner.RunAsync("ip", ["netns", "add", client], Cancel);
            await lab.ExecAsync(fixture.Gateway.Namespace, "ip", ["link", "add", "skyvpn-t", "type", "veth", "peer", "name", "eth0", "netns", client], Cancel);
            await lab.ExecAsync(fixture.Gateway.Namespace, "ip", ["addr", "add", "192.168.43.1/24", "dev", "skyvpn-t"], Cancel);
            await lab.ExecAsync(fixture.Gateway.Namespace, "ip", ["link", "set", "skyvpn-t", "up"], Cancel);
            await lab.ExecAsync(client, "ip", ["addr", "add", "192.168.43.2/24", "dev", "eth0"], Cancel);
            await lab.ExecAsync(client, "ip", ["link", "set", "eth0", "up"], Cancel);
            await lab.ExecAsync(client, "ip", ["route", "add", "default", "via", "192.168.43.1"], Cancel);

            var report = await reconciler.ApplyAsync([Enabled], Cancel);

            Assert.True(report.Succeeded, string.Join("; ", report.Failures));
            Assert.Equal("hello from web2", await FetchAsync(client, fixture.Web2));
            Assert.Equal("hello from web1", await FetchAsync(client, fixture.Web1));
            var ping = await lab.ExecAsync(client, "ping", ["-c", "1", "-W", "3", fixture.Web2], Cancel, checkExitCode: false);
            Assert.True(ping.Succeeded, ping.StandardOutput + ping.StandardError);
        }
        finally
        {
            await _runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", client]) { CheckExitCode = false }, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Apply_Twice_ChangesNothing()
    {
        using var reconciler = NewReconciler(out _);
        var first = await reconciler.ApplyAsync([Enabled], Cancel);
        var before = await SnapshotAsync();

        var second = await reconciler.ApplyAsync([Enabled], Cancel);
        var after = await SnapshotAsync();

        Assert.Equal(first.Find(Network)!.AnchorId, second.Find(Network)!.AnchorId);
        Assert.Equal(before, after);
        Assert.Equal(2, CountLines(after, "skyhook:overlay=" + Network, "iptables"));
        Assert.Equal(1, CountLines(after, "masquerade", "nft"));
        Assert.Equal(1, CountLines(after, LabLayout.OverlaySubnet, "route"));
        Assert.Single(await AnchorIdsAsync());
    }

    [Fact]
    public async Task Apply_AfterAnchorRemovedByHand_RecreatesItAndTrafficFlows()
    {
        using var reconciler = NewReconciler(out _);
        var first = await reconciler.ApplyAsync([Enabled], Cancel);
        await fixture.Lab.DockerAsync(fixture.Gateway.Engine, ["rm", "--force", first.Find(Network)!.AnchorId!], true, Cancel);

        var second = await reconciler.ApplyAsync([Enabled], Cancel);

        var status = second.Find(Network)!;
        Assert.True(status.Attached, status.ToString());
        Assert.NotEqual(first.Find(Network)!.AnchorId, status.AnchorId);
        Assert.Equal([status.AnchorId!], await AnchorIdsAsync());
        Assert.Equal("hello from web2", await FetchAsync(fixture.Gateway.Namespace, fixture.Web2));
    }

    [Fact]
    public async Task Apply_AfterAnchorStoppedByHand_ReplacesIt()
    {
        using var reconciler = NewReconciler(out _);
        var first = await reconciler.ApplyAsync([Enabled], Cancel);
        await fixture.Lab.DockerAsync(fixture.Gateway.Engine, ["stop", first.Find(Network)!.AnchorId!], true, Cancel);

        var second = await reconciler.ApplyAsync([Enabled], Cancel);

        Assert.True(second.Find(Network)!.Attached, second.Find(Network)!.ToString());
        Assert.Equal([second.Find(Network)!.AnchorId!], await AnchorIdsAsync());
        Assert.Equal("hello from web1", await FetchAsync(fixture.Gateway.Namespace, fixture.Web1));
    }

    [Fact]
    public async Task Apply_AfterHandEdits_RestoresRouteRulesAndMasquerade()
    {
        var lab = fixture.Lab;
        var gw = fixture.Gateway.Namespace;
        using var reconciler = NewReconciler(out _);
        var first = await reconciler.ApplyAsync([Enabled], Cancel);
        var before = await SnapshotAsync();
        var status = first.Find(Network)!;
        var pid = (await lab.DockerAsync(fixture.Gateway.Engine, ["inspect", "--format", "{{.State.Pid}}", status.AnchorId!], true, Cancel)).StandardOutput.Trim();

        await lab.ExecAsync(gw, "ip", ["route", "del", LabLayout.OverlaySubnet], Cancel);
        await lab.ExecAsync(gw, "iptables", ["-D", "DOCKER-USER", "-i", "skyvpn+", "-o", status.HostInterface!, "-m", "comment", "--comment", "skyhook:overlay=" + Network, "-j", "ACCEPT"], Cancel);
        await _runner.RunAsync(new ProcessSpec("nft", ["delete", "table", "ip", "skyhook_anchor"]).InNetworkNamespace(NetworkNamespace.OfProcess(long.Parse(pid, System.Globalization.CultureInfo.InvariantCulture))), Cancel);
        var broken = await reconciler.ObserveAsync([Enabled], Cancel);

        var repaired = await reconciler.ApplyAsync([Enabled], Cancel);

        Assert.False(broken.Find(Network)!.RoutePresent);
        Assert.False(broken.Find(Network)!.RulesPresent);
        Assert.False(broken.Find(Network)!.MasqueradePresent);
        Assert.Equal(status, repaired.Find(Network));
        // The same content; a re-inserted rule may sit at another place in the chain.
        Assert.Equal(Sorted(before), Sorted(await SnapshotAsync()));
        Assert.Equal("hello from web2", await FetchAsync(gw, fixture.Web2));
    }

    private static string Sorted(string snapshot) => string.Join("\n", snapshot.Split('\n').Order(StringComparer.Ordinal));

    [Fact]
    public async Task Apply_ByNewReconcilerAfterRestart_AdoptsWithoutDuplicates()
    {
        OverlayReport first;
        using (var before = NewReconciler(out _))
        {
            first = await before.ApplyAsync([Enabled], Cancel);
        }
        var snapshot = await SnapshotAsync();

        using var restarted = NewReconciler(out _);
        var observed = await restarted.ObserveAsync([Enabled], Cancel);
        var second = await restarted.ApplyAsync([Enabled], Cancel);

        Assert.True(observed.Find(Network)!.Attached, observed.Find(Network)!.ToString());
        Assert.Equal(first.Find(Network), second.Find(Network));
        Assert.Equal(snapshot, await SnapshotAsync());
        Assert.Equal("hello from web1", await FetchAsync(fixture.Gateway.Namespace, fixture.Web1));
    }

    [Fact]
    public async Task Apply_DisableThenEnable_RemovesEverythingThenWorksAgain()
    {
        using var reconciler = NewReconciler(out _);
        await reconciler.ApplyAsync([Enabled], Cancel);

        var disabled = await reconciler.ApplyAsync([Disabled], Cancel);

        var status = Assert.Single(disabled.Overlays);
        Assert.Equal(new OverlayStatus(Network, false, null, null, null, null, false, false, false, null), status);
        await AssertNothingLeftAsync();

        var enabled = await reconciler.ApplyAsync([Enabled], Cancel);
        Assert.True(enabled.Find(Network)!.Attached, enabled.Find(Network)!.ToString());
        Assert.Equal("hello from web2", await FetchAsync(fixture.Gateway.Namespace, fixture.Web2));

        // Dropped from the desired state altogether: found by looking, and removed just the same.
        var dropped = await reconciler.ApplyAsync([], Cancel);
        Assert.Empty(dropped.Overlays);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Apply_UnknownNetwork_OneErrorNamingItAndNothingCreated()
    {
        using var reconciler = NewReconciler(out var logger);
        var before = await SnapshotAsync();

        var report = await reconciler.ApplyAsync([new OverlayDocument("no-such-overlay", "10.9.0.0/16", true, null, null)], Cancel);

        var status = Assert.Single(report.Overlays);
        Assert.False(report.Succeeded);
        Assert.Contains("'no-such-overlay'", status.Error);
        Assert.Null(status.AnchorId);
        Assert.Null(status.HostInterface);
        var all = await fixture.Lab.DockerAsync(fixture.Gateway.Engine, ["ps", "--all", "--quiet", "--filter", "name=skyhook-anchor"], true, Cancel);
        Assert.Equal("", all.StandardOutput.Trim());
        Assert.Equal(before, await SnapshotAsync());
        Assert.Single(logger.Lines, l => l.Contains("no-such-overlay", StringComparison.Ordinal) && l.StartsWith("Warning", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_SubnetNotTheNetworks_ErrorAndAnchorRemoved()
    {
        using var reconciler = NewReconciler(out _);

        var report = await reconciler.ApplyAsync([Enabled with { Subnet = "10.1.0.0/16" }], Cancel);

        var status = report.Find(Network)!;
        Assert.Contains("10.0.0.0/16", status.Error);
        Assert.Contains("10.1.0.0/16", status.Error);
        Assert.Null(status.AnchorId);
        Assert.Empty(await AnchorIdsAsync());
    }

    [Fact]
    public async Task Apply_EngineOutsideSwarmWithJoinToken_JoinsAndDisableLeaves()
    {
        var lab = fixture.Lab;
        var gateway = await lab.AddGatewayHostAsync(2, Cancel);
        try
        {
            // The lab joins every gateway host; make this one a fresh host outside the swarm.
            await LeaveSwarmByHandAsync(gateway);
            var token = (await lab.DockerAsync(1, ["swarm", "join-token", "-q", "worker"], Cancel)).StandardOutput.Trim();
            var overlay = Enabled with { ManagerAddress = LabLayout.NodeAddress(1) + ":2377", JoinToken = token };
            using var reconciler = NewReconciler(out var logger, gateway: gateway);

            var joined = await reconciler.ApplyAsync([overlay], Cancel);

            Assert.True(joined.Find(Network)!.Attached, joined.Find(Network)!.ToString());
            Assert.True(joined.SwarmJoinedBySkyhook);
            Assert.Equal("active", await SwarmStateAsync(gateway));
            Assert.Equal("hello from web2", await FetchAsync(gateway.Namespace, fixture.Web2));

            var left = await reconciler.ApplyAsync([overlay with { Enabled = false }], Cancel);

            Assert.False(left.SwarmJoinedBySkyhook);
            Assert.Equal("inactive", await SwarmStateAsync(gateway));
            Assert.Empty((await lab.DockerAsync(gateway.Engine, ["ps", "--all", "--quiet"], true, Cancel)).StandardOutput.Trim());

            // Enabling right after works: a new join, a new anchor.
            var again = await reconciler.ApplyAsync([overlay], Cancel);
            Assert.True(again.Find(Network)!.Attached, again.Find(Network)!.ToString());
            Assert.Equal("hello from web1", await FetchAsync(gateway.Namespace, fixture.Web1));
            await reconciler.ApplyAsync([overlay with { Enabled = false }], Cancel);
            Assert.Equal("inactive", await SwarmStateAsync(gateway));
            Assert.DoesNotContain(token, logger.All, StringComparison.Ordinal);
        }
        finally
        {
            await lab.RemoveGatewayHostAsync(gateway, CancellationToken.None);
            await RemoveDownNodesAsync();
        }
    }

    [Fact]
    public async Task Apply_DisableOnSwarmJoinedByAdmin_StaysInSwarm()
    {
        using var reconciler = NewReconciler(out _);
        await reconciler.ApplyAsync([Enabled], Cancel);

        var report = await reconciler.ApplyAsync([Disabled], Cancel);

        Assert.False(report.SwarmJoinedBySkyhook);
        Assert.Equal("active", await SwarmStateAsync(fixture.Gateway));
    }

    private async Task<string> SwarmStateAsync(Skyhook.Lab.GatewayHost gateway) =>
        (await fixture.Lab.DockerAsync(gateway.Engine, ["info", "--format", "{{.Swarm.LocalNodeState}}"], true, Cancel)).StandardOutput.Trim();

    private async Task LeaveSwarmByHandAsync(Skyhook.Lab.GatewayHost gateway)
    {
        var nodeId = (await fixture.Lab.DockerAsync(gateway.Engine, ["info", "--format", "{{.Swarm.NodeID}}"], true, Cancel)).StandardOutput.Trim();
        await fixture.Lab.DockerAsync(gateway.Engine, ["swarm", "leave", "--force"], true, Cancel);
        await RemoveDownNodesAsync();
        await fixture.Lab.DockerAsync(fixture.Lab.NodeEngine(1), ["node", "rm", "--force", nodeId], false, Cancel);
    }

    // A worker that leaves stays on the managers as "Down" (only a manager can remove it): the
    // controller does that in the product; here the test does.
    private async Task RemoveDownNodesAsync()
    {
        var nodes = await fixture.Lab.DockerAsync(fixture.Lab.NodeEngine(1), ["node", "ls", "--format", "{{.ID}} {{.Status}}"], false, CancellationToken.None);
        foreach (var line in nodes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.EndsWith(" Down", StringComparison.Ordinal))
            {
                await fixture.Lab.DockerAsync(fixture.Lab.NodeEngine(1), ["node", "rm", "--force", line.Split(' ')[0]], false, CancellationToken.None);
            }
        }
    }

    private OverlayReconciler NewReconciler(out RecordingLogger<OverlayReconciler> logger, string? advertise = null, Skyhook.Lab.GatewayHost? gateway = null)
    {
        gateway ??= fixture.Gateway;
        logger = new RecordingLogger<OverlayReconciler>(output);
        var options = new OverlayOptions
        {
            DockerEndpoint = gateway.Engine.Host,
            AnchorImage = LabLayout.ImageName,
            HostNetworkNamespace = gateway.Namespace,
            StateDirectory = _stateDirectory,
            SwarmAdvertiseAddress = advertise ?? gateway.UnderlayAddress,
            VpnInterfaces = ["skyvpn+"],
        };
        return new OverlayReconciler(Options.Create(options), _runner, logger, TimeProvider.System);
    }

    private async Task<string> FetchAsync(string netns, string address)
    {
        var result = await fixture.Lab.ExecAsync(netns, "timeout", ["5", "busybox", "wget", "-qO-", $"http://{address}/"], Cancel, checkExitCode: false);
        return result.Succeeded ? result.StandardOutput.Trim() : $"wget exited {result.ExitCode}: {result.StandardError.Trim()}";
    }

    private async Task<IReadOnlyList<string>> AnchorIdsAsync() =>
        (await fixture.Lab.DockerAsync(fixture.Gateway.Engine, ["ps", "--all", "--quiet", "--no-trunc", "--filter", "label=skyhook.anchor"], true, Cancel))
            .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The gateway host's DOCKER-USER chain, routes, links and addresses, and each anchor's ruleset and routes, one section per source.</summary>
    private async Task<string> SnapshotAsync()
    {
        var gw = fixture.Gateway.Namespace;
        var parts = new List<string>
        {
            "iptables\n" + (await fixture.Lab.ExecAsync(gw, "iptables", ["-S", "DOCKER-USER"], Cancel)).StandardOutput,
            "route\n" + (await fixture.Lab.ExecAsync(gw, "ip", ["-4", "route"], Cancel)).StandardOutput,
            "addr\n" + (await fixture.Lab.ExecAsync(gw, "ip", ["-o", "-4", "addr"], Cancel)).StandardOutput,
        };
        foreach (var id in await AnchorIdsAsync())
        {
            var pid = (await fixture.Lab.DockerAsync(fixture.Gateway.Engine, ["inspect", "--format", "{{.State.Pid}}", id], true, Cancel)).StandardOutput.Trim();
            var anchorNs = NetworkNamespace.OfProcess(long.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
            parts.Add("nft\n" + (await _runner.RunAsync(new ProcessSpec("nft", ["list", "ruleset"]).InNetworkNamespace(anchorNs), Cancel)).StandardOutput);
            parts.Add("anchor routes\n" + (await _runner.RunAsync(new ProcessSpec("ip", ["-4", "route"]).InNetworkNamespace(anchorNs), Cancel)).StandardOutput);
        }
        return string.Join("\n", parts);
    }

    private static int CountLines(string snapshot, string text, string section)
    {
        var lines = snapshot.Split('\n');
        var count = 0;
        var inSection = false;
        foreach (var line in lines)
        {
            if (line is "iptables" or "route" or "addr" or "nft" or "anchor routes")
            {
                inSection = line == section;
                continue;
            }
            if (inSection && line.Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }
        return count;
    }

    private async Task AssertNothingLeftAsync()
    {
        var gw = fixture.Gateway.Namespace;
        Assert.Empty(await AnchorIdsAsync());
        var links = (await fixture.Lab.ExecAsync(gw, "ip", ["-o", "link"], Cancel)).StandardOutput;
        Assert.DoesNotContain("skyo", links);
        Assert.DoesNotContain("skyhook:overlay", links);
        var route = (await fixture.Lab.ExecAsync(gw, "ip", ["-4", "route", "show", "exact", LabLayout.OverlaySubnet], Cancel)).StandardOutput;
        Assert.Equal("", route.Trim());
        var rules = (await fixture.Lab.ExecAsync(gw, "iptables", ["-S", "DOCKER-USER"], Cancel)).StandardOutput;
        Assert.DoesNotContain("skyhook", rules);
    }
}
