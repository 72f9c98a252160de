using System.Globalization;
using Skyhook.Lab.Topology;

namespace Skyhook.Lab;

/// <summary>A gateway host of the lab: on the underlay and the internet, with its own engine in the swarm.</summary>
public sealed record GatewayHost(string Name, string Namespace, string UnderlayAddress, string PublicAddress, EngineLayout Engine);

/// <summary>
/// A VPN user's laptop: a namespace on the internet bridge only. Its resolver is
/// <paramref name="ResolvConf"/> (/etc/netns/NAMESPACE/resolv.conf, in force for commands run with
/// <c>ip netns exec</c>), which its VPN client fills with what the gateway pushes through
/// <paramref name="DnsHook"/>, as a laptop's network manager would.
/// </summary>
public sealed record Desktop(string Name, string Namespace, string Address, string ResolvConf, string DnsHook)
{
    /// <summary>The openvpn arguments that run the DNS hook when the tunnel comes up and goes down.</summary>
    public IReadOnlyList<string> OpenVpnDnsArguments =>
        ["--script-security", "2", "--setenv", "SKYHOOK_RESOLV_CONF", ResolvConf, "--up", DnsHook, "--down", DnsHook];
}

public sealed partial class Lab
{
    /// <summary>
    /// Adds gateway host <paramref name="index"/> (1-based): a namespace on both bridges (eth0 on the
    /// underlay, eth1 on the internet), its own dockerd with the lab image, joined to the swarm as a worker.
    /// </summary>
    public async Task<GatewayHost> AddGatewayHostAsync(int index, CancellationToken cancellationToken)
    {
        RequireIndex(index, "gateway host");
        var netns = Layout.GatewayNamespace(index);
        var name = "gw" + index.ToString(CultureInfo.InvariantCulture);
        var underlay = LabLayout.GatewayUnderlayAddress(index);
        var publicAddress = LabLayout.GatewayPublicAddress(index);
        await _network.EnsureHostAsync(
            Layout.LabNamespace,
            netns,
            [
                new Attachment(LabLayout.UnderlayBridge, name + "u", "eth0", underlay, LabLayout.UnderlayPrefixLength),
                new Attachment(LabLayout.InternetBridge, name + "i", "eth1", publicAddress, LabLayout.InternetPrefixLength),
            ],
            LabLayout.UnderlayGateway,
            cancellationToken);
        var engine = Layout.Engine(netns);
        await _engines.StartAsync(engine, cancellationToken);
        await _image.EnsureLoadedAsync(Layout, engine, cancellationToken);
        await EnsureSwarmMemberAsync(engine, underlay, name, cancellationToken);
        return new GatewayHost(name, netns, underlay.ToString(), publicAddress.ToString(), engine);
    }

    /// <summary>Adds desktop <paramref name="index"/> (1-based): a namespace on the internet bridge only.</summary>
    public async Task<Desktop> AddDesktopAsync(int index, CancellationToken cancellationToken)
    {
        RequireIndex(index, "desktop");
        var netns = Layout.DesktopNamespace(index);
        var name = "d" + index.ToString(CultureInfo.InvariantCulture);
        var address = LabLayout.DesktopAddress(index);
        await _network.EnsureHostAsync(
            Layout.LabNamespace,
            netns,
            [new Attachment(LabLayout.InternetBridge, name, "eth0", address, LabLayout.InternetPrefixLength)],
            defaultGateway: null,
            cancellationToken);
        var hook = await DesktopDns.EnsureHookAsync(Layout, cancellationToken);
        return new Desktop(name, netns, address.ToString(), DesktopDns.EnsureResolverDirectory(netns), hook);
    }

    /// <summary>Removes a gateway host: its engine and everything it started, its swarm node entry, its namespace.</summary>
    public async Task RemoveGatewayHostAsync(GatewayHost gateway, CancellationToken cancellationToken)
    {
        var nodeId = (await _engines.DockerAsync(gateway.Engine, ["info", "--format", "{{.Swarm.NodeID}}"], [], checkExitCode: false, cancellationToken))
            .StandardOutput.Trim();
        await _engines.StopAsync(gateway.Engine, cancellationToken);
        if (nodeId.Length > 0)
        {
            await _engines.DockerAsync(NodeEngine(1), ["node", "rm", "--force", nodeId], [], checkExitCode: false, cancellationToken);
        }
        await RemoveNamespaceAsync(gateway.Namespace, cancellationToken);
        foreach (var directory in new[] { gateway.Engine.DataRoot, gateway.Engine.ExecRoot })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    public Task RemoveDesktopAsync(Desktop desktop, CancellationToken cancellationToken) =>
        RemoveNamespaceAsync(desktop.Namespace, cancellationToken);

    private async Task RemoveNamespaceAsync(string netns, CancellationToken cancellationToken)
    {
        await Engines.HostCleanup.KillNamespaceProcessesAsync(_runner, _tools.Ip, netns, cancellationToken);
        // Deleting the namespace deletes the veths in it, and with them their ends on the lab's bridges.
        await _network.DeleteNamespaceAsync(netns, cancellationToken);
        DesktopDns.RemoveResolverDirectory(netns);
    }

    private static void RequireIndex(int index, string what)
    {
        if (index is < 1 or > 80)
        {
            throw new LabException($"{what} number {index} is out of range: use 1 to 80");
        }
    }
}
