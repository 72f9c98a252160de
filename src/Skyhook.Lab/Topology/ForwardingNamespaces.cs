using System.Globalization;
using Skyhook.Linux;

namespace Skyhook.Lab.Topology;

/// <summary>
/// A gateway namespace that forwards between VPN clients and a server, as a gateway host does
/// between openvpn's tunnels and an overlay, for kernel tests and benchmarks of the policy table and
/// conntrack: each client in a namespace of its own on a veth into the gateway (<c>skyvpn0</c>,
/// <c>skyvpn1</c>, ..., the gateway's <see cref="GatewayTunnelAddress"/>/32 on each and a /32 route
/// per client, as openvpn sets them), the server namespace at <see cref="ServerAddress"/> behind
/// <c>toserver</c>. Every veth is made inside a namespace and never exists in the host's. Namespaces
/// are named from a stem the caller makes unique (gateway STEMg, server STEMs, clients STEMa, STEMb,
/// ...); <see cref="DisposeAsync"/> deletes those made, and so does a failed <see cref="CreateAsync"/>.
/// </summary>
public sealed class ForwardingNamespaces : IAsyncDisposable
{
    public const string GatewayTunnelAddress = "10.8.0.1";
    public const string GatewayServerAddress = "10.0.5.1";
    public const string ServerAddress = "10.0.5.10";

    private readonly ProcessRunner _runner;
    private readonly string _stem;
    private readonly List<string> _made = [];

    private ForwardingNamespaces(string stem, ProcessRunner runner)
    {
        _stem = stem;
        _runner = runner;
    }

    public string Gateway => _stem + "g";

    public string Server => _stem + "s";

    /// <summary>
    /// The namespaces, forwarding on; with no <paramref name="clientAddresses"/> only the gateway's
    /// (for conntrack entries inserted by hand). Client <c>i</c> has the address
    /// <paramref name="clientAddresses"/>[i]/24 in namespace <see cref="Client"/>(i).
    /// </summary>
    public static async Task<ForwardingNamespaces> CreateAsync(string stem, IReadOnlyList<string> clientAddresses, ProcessRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientAddresses);
        var made = new ForwardingNamespaces(stem, runner);
        try
        {
            await made.SetUpAsync(clientAddresses, cancellationToken);
            return made;
        }
        catch
        {
            await made.DisposeAsync();
            throw;
        }
    }

    /// <summary>The name of client <paramref name="index"/>'s namespace.</summary>
    public string Client(int index) => _stem + (char)('a' + index);

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _made)
        {
            await _runner.RunAsync(new ProcessSpec("ip", ["netns", "delete", name]) { CheckExitCode = false }, CancellationToken.None);
        }
        _made.Clear();
    }

    private async Task SetUpAsync(IReadOnlyList<string> clientAddresses, CancellationToken cancellationToken)
    {
        await AddNamespaceAsync(Gateway, cancellationToken);
        if (clientAddresses.Count == 0)
        {
            return;
        }

        await AddNamespaceAsync(Server, cancellationToken);
        await IpAsync(Gateway, ["link", "add", "toserver", "type", "veth", "peer", "name", "eth0", "netns", Server], cancellationToken);
        await IpAsync(Gateway, ["address", "add", GatewayServerAddress + "/24", "dev", "toserver"], cancellationToken);
        await IpAsync(Gateway, ["link", "set", "toserver", "up"], cancellationToken);
        await IpAsync(Server, ["address", "add", ServerAddress + "/24", "dev", "eth0"], cancellationToken);
        await IpAsync(Server, ["link", "set", "eth0", "up"], cancellationToken);
        await IpAsync(Server, ["route", "add", "default", "via", GatewayServerAddress], cancellationToken);

        for (var i = 0; i < clientAddresses.Count; i++)
        {
            var (client, address, tunnel) = (Client(i), clientAddresses[i], string.Create(CultureInfo.InvariantCulture, $"skyvpn{i}"));
            await AddNamespaceAsync(client, cancellationToken);
            await IpAsync(Gateway, ["link", "add", tunnel, "type", "veth", "peer", "name", "eth0", "netns", client], cancellationToken);
            await IpAsync(Gateway, ["address", "add", GatewayTunnelAddress + "/32", "dev", tunnel], cancellationToken);
            await IpAsync(Gateway, ["link", "set", tunnel, "up"], cancellationToken);
            await IpAsync(Gateway, ["route", "add", address + "/32", "dev", tunnel], cancellationToken);
            await IpAsync(client, ["address", "add", address + "/24", "dev", "eth0"], cancellationToken);
            await IpAsync(client, ["link", "set", "eth0", "up"], cancellationToken);
            await IpAsync(client, ["route", "add", "default", "via", GatewayTunnelAddress], cancellationToken);
        }

        await _runner.RunAsync(new ProcessSpec("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"]).InNetworkNamespace(Gateway), cancellationToken);
    }

    private async Task AddNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        await _runner.RunAsync("ip", ["netns", "add", name], cancellationToken);
        _made.Add(name);
        await IpAsync(name, ["link", "set", "lo", "up"], cancellationToken);
    }

    private Task<ProcessResult> IpAsync(string networkNamespace, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _runner.RunAsync("ip", ["-n", networkNamespace, .. arguments], cancellationToken);
}
