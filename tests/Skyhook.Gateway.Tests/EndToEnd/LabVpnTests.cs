using System.Diagnostics;
using System.Text.Json;
using Skyhook.Core.Addressing;
using Skyhook.Gateway.Egress;
using Skyhook.Gateway.Tests.Overlay;

namespace Skyhook.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 4 end to end on the lab, everything real: a stock openvpn client on a desktop namespace logs
/// in with password + a TOTP code computed here, through the skyhook-gateway binary on a lab
/// gateway host, and reaches containers on both swarm nodes by overlay address. See <see cref="LabVpnBed"/>.
/// Each test uses users of its own (names unique across the class, LabVpnTests.Policy.cs included) and puts the group back as it found it.
/// </summary>
[Collection(OverlayLabCollection.Name)]
public sealed partial class LabVpnTests(OverlayLabFixture lab, LabVpnBed bed, ITestOutputHelper output) : IClassFixture<LabVpnBed>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await bed.EnsureStartedAsync(lab, output, Ct);

    public async ValueTask DisposeAsync()
    {
        await bed.StopClientsAsync();
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            output.WriteLine("gateway output (tail):\n" + bed.GatewayOutput());
            output.WriteLine("controller log (tail):\n" + string.Join('\n', bed.Controller.Log.Split('\n').TakeLast(30)));
        }
    }

    [Fact]
    public async Task Desktop_ReachesContainersOnTwoNodesByOverlayAddress_CurlPingSsh_OnlyPushedRoutes()
    {
        await bed.CreateUserAsync("ann", Ct);
        await bed.ConnectAsync(1, "ann", "ann", LabVpnBed.Password, bed.NextCode("ann"), Ct);
        await bed.WaitTunnelAsync("ann", Ct);

        // curl and ping reach web1 (node 1) and web2 (node 2) by overlay address.
        await Eventually.True(async () => await bed.CurlAsync(1, $"http://{lab.Web1}/", Ct) == "hello from web1", "curl web1 through the VPN", Wait, Ct);
        Assert.Equal("hello from web2", await bed.CurlAsync(1, $"http://{lab.Web2}:8080/", Ct));
        Assert.True(await bed.PingAsync(1, lab.Web1, Ct), "ping web1");
        Assert.True(await bed.PingAsync(1, lab.Web2, Ct), "ping web2");

        // ssh into web2, as the seed's verification step does (dropbear's client, the lab's key; its
        // known-hosts file goes to a HOME of the test's own).
        var ssh = await bed.OnDesktopAsync(1, ["env", "HOME=" + bed.Directory, "dbclient", "-y", "-i", lab.Lab.Layout.SshKey, "root@" + lab.Web2, "hostname"], Ct);
        Assert.True(ssh.Succeeded, "ssh root@web2: " + ssh.StandardError);
        Assert.Equal("web2", ssh.StandardOutput.Trim());

        // The additional CIDR (the underlay VPC) is reached too, masqueraded by the gateway.
        Assert.True(await bed.PingAsync(1, "172.31.0.1", Ct), "ping the VPC's router through the VPN");

        // Split tunnel: the tunnel carries exactly the overlay, the additional CIDR and the client block.
        var routes = await bed.OnDesktopAsync(1, ["ip", "-4", "route", "show", "dev", "tun0"], Ct);
        var destinations = routes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "10.0.0.0/16", bed.ClientBlock, LabVpnBed.Vpc }.Order(StringComparer.Ordinal), destinations);
        var all = await bed.OnDesktopAsync(1, ["ip", "-4", "route", "show"], Ct);
        Assert.DoesNotContain("default", all.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logins_WrongCodeReusedCodeWrongPasswordDisabledUser_EachRefusedWithItsCauseLogged()
    {
        await bed.CreateUserAsync("ben", Ct);
        var from = bed.Desktops[1].Address;

        await Refused("ben-wrong", LabVpnBed.Password, bed.WrongCode("ben"), "wrong one-time code");

        var code = bed.NextCode("ben");
        var admitted = await bed.ConnectAsync(2, "ben-ok", "ben", LabVpnBed.Password, code, Ct);
        await bed.WaitTunnelAsync("ben-ok", Ct);
        await admitted.DisposeAsync();

        await Refused("ben-reused", LabVpnBed.Password, code, "one-time code already used");
        // The code is checked only after the password and the account: these need no fresh one.
        await Refused("ben-password", "not ben's password", code, "wrong password");

        await bed.Admin.PostAsync("/api/v1/users/ben/disable", new { }, Ct);
        await Refused("ben-disabled", LabVpnBed.Password, code, "account disabled");
        // Told only after the right password: the disabled account says so to its owner.
        Assert.Contains("This account is disabled.", bed.ClientLog("ben-disabled"), StringComparison.Ordinal);

        async Task Refused(string label, string password, string otp, string cause)
        {
            var since = DateTimeOffset.UtcNow;
            await bed.ConnectAsync(2, label, "ben", password, otp, Ct);
            await Eventually.True(() => bed.ClientLog(label).Contains("AUTH_FAILED", StringComparison.Ordinal), $"{label}: the client told AUTH_FAILED", Wait, Ct);
            // The controller logs the precise cause for the admins; the gateway logs the refusal it passed on.
            Assert.Contains($"Failed sign-in for ben from {from}: {cause}.", bed.Controller.Log, StringComparison.Ordinal);
            Assert.NotNull(bed.Gateway.Find(since, "[4331]", "of ben denied"));
        }
    }

    [Fact]
    public async Task DisableUser_LiveSessionCutWithinASecond_TunnelStopsCarryingTraffic()
    {
        await ConnectNewUserAsync(1, "cat");

        await bed.Admin.PostAsync("/api/v1/users/cat/disable", new { }, Ct);
        await AssertCutWithinASecondAsync(1, "cat", DateTimeOffset.UtcNow);
        await Eventually.True(async () => (await bed.Admin.GetAsync($"/api/v1/gateways/{bed.Host.Name}", Ct)).GetProperty("sessions").GetInt32() == 0,
            "the heartbeat reports no session", Wait, Ct);
    }

    [Fact]
    public async Task EndSession_ThroughTheApi_CutWithinASecond()
    {
        await ConnectNewUserAsync(1, "gus");
        var id = await Eventually.Get(
            async () => (await bed.Admin.GetAsync("/api/v1/sessions?user=gus", Ct)).EnumerateArray()
                .Select(s => s.GetProperty("id").GetString()).FirstOrDefault(id => !string.IsNullOrEmpty(id)),
            "gus's session listed with its id", Wait, Ct);

        using var response = await bed.Admin.Http.DeleteAsync($"/api/v1/sessions/{id}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        await AssertCutWithinASecondAsync(1, "gus", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task ControllerAway_SessionsKeepWorking_NewLoginsRefused_GatewayCatchesUpWhenItReturns()
    {
        await ConnectNewUserAsync(1, "hal");
        await bed.CreateUserAsync("ida", Ct);
        var profile = await bed.ProfileAsync("ida", Ct);

        await bed.Controller.StopAsync();
        try
        {
            Assert.Equal("hello from web2", await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct));
            var since = DateTimeOffset.UtcNow;
            await bed.ConnectAsync(2, "ida", "ida", LabVpnBed.Password, bed.NextCode("ida"), Ct, profile);
            await Eventually.True(() => bed.ClientLog("ida").Contains("AUTH_FAILED", StringComparison.Ordinal), "ida refused while the controller is away", Wait, Ct);
            Assert.NotNull(bed.Gateway.Find(since, "[4331]", "of ida denied", Skyhook.Gateway.Vpn.VpnLogins.ControllerUnreachable));
            Assert.Equal("hello from web2", await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct));
        }
        finally
        {
            await bed.Controller.StartAgainAsync(Ct);
        }

        // Back: the gateway reports in again, and what changes from now on reaches it.
        await bed.WaitConvergedAsync(Ct);
        await bed.Admin.PostAsync("/api/v1/users/hal/disable", new { }, Ct);
        await Eventually.True(() => bed.Gateway.Find(DateTimeOffset.UtcNow.AddMinutes(-1), "[4313]", "of hal") is not null, "hal's session cut after the controller returned", Wait, Ct);
        await Eventually.True(async () => await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct) is null, "hal's tunnel stops carrying traffic", Wait, Ct);
    }

    [Fact]
    public async Task FullTunnel_DefaultRouteThroughTheGateway_NatedOut()
    {
        await bed.CreateUserAsync("dan", Ct);
        try
        {
            // No additional CIDR: the VPC is reachable only because everything goes through the tunnel.
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(tunnelMode: "full", additionalCidrs: []), Ct);
            await bed.ConnectAsync(2, "dan", "dan", LabVpnBed.Password, bed.NextCode("dan"), Ct);
            await bed.WaitTunnelAsync("dan", Ct);

            var routes = (await bed.OnDesktopAsync(2, ["ip", "-4", "route", "show", "dev", "tun0"], Ct)).StandardOutput;
            Assert.Contains("0.0.0.0/1 via", routes, StringComparison.Ordinal);
            Assert.Contains("128.0.0.0/1 via", routes, StringComparison.Ordinal);
            await Eventually.True(() => bed.PingAsync(2, "172.31.0.1", Ct), "the VPC's router through the full tunnel", Wait, Ct);
            Assert.Equal("hello from web2", await bed.CurlAsync(2, $"http://{lab.Web2}/", Ct));
            var table = await bed.OnGatewayHostAsync(["nft", "list", "table", "ip", EgressReconciler.Table], Ct);
            Assert.Contains("masquerade", table.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("daddr", table.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            await bed.StopClientsAsync();
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        }
        // Back to split tunnel: only the VPC leaves outside the overlays.
        var split = await bed.OnGatewayHostAsync(["nft", "list", "table", "ip", EgressReconciler.Table], Ct);
        Assert.Contains("ip daddr " + LabVpnBed.Vpc, split.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TcpTransport_GroupSwitched_ClientFromTheNewProfileReachesContainers()
    {
        await bed.CreateUserAsync("fay", Ct);
        try
        {
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(transport: "tcp"), Ct);
            Assert.Contains("proto tcp-client", await bed.ProfileAsync("fay", Ct), StringComparison.Ordinal);
            await bed.ConnectAsync(2, "fay", "fay", LabVpnBed.Password, bed.NextCode("fay"), Ct);
            await bed.WaitTunnelAsync("fay", Ct);
            await Eventually.True(async () => await bed.CurlAsync(2, $"http://{lab.Web1}/", Ct) == "hello from web1", "curl web1 over TCP", Wait, Ct);
        }
        finally
        {
            await bed.StopClientsAsync();
            await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        }
    }

    [Fact]
    public async Task GatewayKilled_RestartAdoptsWithoutDuplicates_AnchorRemovedComesBack_DisableEnableWorks()
    {
        await ConnectNewUserAsync(1, "eve");
        var before = await HostStateAsync();
        Assert.Single(before.Anchors);

        // kill -9: no shutdown code runs; openvpn and the host's state outlive the gateway.
        await bed.Gateway.KillHard();
        bed.Gateway.Start();
        await bed.WaitConvergedAsync(Ct);
        var after = await HostStateAsync();
        Assert.Equal(before, after);
        // eve comes back on her session token: the one-time code in her credentials file was used already.
        await Eventually.True(() => bed.ClientLog("eve").Split("Initialization Sequence Completed").Length == 3, "eve reconnected to the new openvpn", TimeSpan.FromSeconds(60), Ct);
        await Eventually.True(async () => await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct) is not null, "eve reaches web2 after the restart", Wait, Ct);

        // The anchor removed by hand comes back on the next resync, and traffic flows again.
        await lab.Lab.DockerAsync(bed.Host.Engine, ["rm", "--force", before.Anchors[0]], checkExitCode: true, Ct);
        await Eventually.True(async () => (await HostStateAsync()).Anchors is [var anchor] && anchor != before.Anchors[0], "a new anchor", Wait, Ct);
        await Eventually.True(async () => await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct) is not null, "eve reaches web2 through the new anchor", Wait, Ct);

        // Container access disabled: nothing of the overlay is left; enabled again at once: it works.
        await bed.UpdateGroupAsync(LabVpnBed.GroupBody(overlayEnabled: false), Ct);
        var detached = await HostStateAsync();
        Assert.Empty(detached.Anchors);
        Assert.Equal(0, detached.OverlayRoutes);
        Assert.DoesNotContain("skyhook:overlay=", detached.Rules, StringComparison.Ordinal);
        await bed.UpdateGroupAsync(LabVpnBed.GroupBody(), Ct);
        await Eventually.True(async () => await bed.CurlAsync(1, $"http://{lab.Web2}/", Ct) is not null, "eve reaches web2 after disable + enable", Wait, Ct);
        var enabled = await HostStateAsync();
        Assert.Equal((1, before.OverlayRoutes, before.Rules), (enabled.Anchors.Count, enabled.OverlayRoutes, enabled.Rules));
    }

    /// <summary>
    /// The gateway logs the end of <paramref name="user"/>'s session within a second of
    /// <paramref name="since"/> (when the API call returned), and the tunnel no longer carries traffic.
    /// </summary>
    private async Task AssertCutWithinASecondAsync(int desktop, string user, DateTimeOffset since)
    {
        var ended = await Eventually.Get(() => bed.Gateway.Find(since.AddSeconds(-1), "[4336]", $"of {user} (") is { } line ? new[] { line } : null,
            $"{user}'s session ended in the gateway's log", Wait, Ct);
        var cut = ended[0].At - since;
        output.WriteLine($"session ended {cut.TotalMilliseconds:0} ms after the API call returned: {ended[0].Line}");
        Assert.True(cut < TimeSpan.FromSeconds(1), $"cut after {cut.TotalMilliseconds:0} ms, not within a second");
        Assert.Null(await bed.CurlAsync(desktop, $"http://{lab.Web2}/", Ct));
    }

    /// <summary>A new user logs in on <paramref name="desktop"/> (the client is labelled with the user's name) and reaches web2.</summary>
    private async Task ConnectNewUserAsync(int desktop, string user)
    {
        await bed.CreateUserAsync(user, Ct);
        await bed.ConnectAsync(desktop, user, user, LabVpnBed.Password, bed.NextCode(user), Ct);
        await bed.WaitTunnelAsync(user, Ct);
        await Eventually.True(async () => await bed.CurlAsync(desktop, $"http://{lab.Web2}/", Ct) is not null, $"{user} reaches web2", Wait, Ct);
    }

    /// <summary>What the gateway made on its host: anchor containers, routes to the overlay, its DOCKER-USER rules and nftables tables.</summary>
    private async Task<HostState> HostStateAsync()
    {
        var anchors = await lab.Lab.DockerAsync(bed.Host.Engine, ["ps", "--all", "--quiet", "--no-trunc", "--filter", "label=skyhook.anchor"], checkExitCode: true, Ct);
        var routes = await bed.OnGatewayHostAsync(["ip", "-4", "route", "show", "10.0.0.0/16"], Ct);
        var rules = await bed.OnGatewayHostAsync(["iptables", "-S", "DOCKER-USER"], Ct);
        var tables = await bed.OnGatewayHostAsync(["nft", "list", "tables"], Ct);
        return new HostState(
            anchors.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            routes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
            // Sorted: which rule sits above which depends on the order they were (re)inserted in, not on what is there.
            string.Join('\n', rules.StandardOutput.Split('\n').Where(l => l.Contains("skyhook:", StringComparison.Ordinal)).Order(StringComparer.Ordinal)),
            string.Join('\n', tables.StandardOutput.Split('\n').Where(l => l.Contains("skyhook", StringComparison.Ordinal))));
    }

    private sealed record HostState(IReadOnlyList<string> Anchors, int OverlayRoutes, string Rules, string Tables)
    {
        public bool Equals(HostState? other) =>
            other is not null && Anchors.SequenceEqual(other.Anchors) && OverlayRoutes == other.OverlayRoutes && Rules == other.Rules && Tables == other.Tables;

        public override int GetHashCode() => HashCode.Combine(Anchors.Count, OverlayRoutes, Rules, Tables);
    }
}
