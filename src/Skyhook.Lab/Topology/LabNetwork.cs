using System.Globalization;
using System.Net;
using System.Text.Json;
using Skyhook.Linux;

namespace Skyhook.Lab.Topology;

/// <summary>One interface of a lab host: a veth from a bridge in the lab namespace into the host's namespace.</summary>
/// <param name="Bridge">The bridge in the lab namespace (<see cref="LabLayout.UnderlayBridge"/> or <see cref="LabLayout.InternetBridge"/>).</param>
/// <param name="LabSide">The veth end's name in the lab namespace (unique there).</param>
/// <param name="Inside">The veth end's name inside the host's namespace, e.g. eth0.</param>
public sealed record Attachment(string Bridge, string LabSide, string Inside, IPAddress Address, int PrefixLength);

/// <summary>
/// Namespaces, bridges and veths. Every step is written to be run again: it checks before it adds,
/// and uses `replace` where iproute2 has it.
/// </summary>
public sealed class LabNetwork(HostTools tools, ProcessRunner runner)
{
    // The host link's /30s are taken from here: outside every range the host itself uses (LAB.md)
    // and outside the lab's underlay, so two labs never add the same route to the host.
    private const string HostLinkBase = "172.30";

    public async Task<IReadOnlyList<string>> ListNamespacesAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = await IpAsync(["netns", "list"], cancellationToken);
        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .Where(name => name.StartsWith(prefix + "-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public async Task<bool> LinkExistsAsync(string? netns, string link, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(
            new ProcessSpec(tools.Ip, [.. InNamespace(netns), "link", "show", "dev", link]) { CheckExitCode = false }, cancellationToken);
        return result.Succeeded;
    }

    /// <summary>The lab's own namespace with both bridges, forwarding, and masquerade towards the host link.</summary>
    public async Task EnsureLabNamespaceAsync(LabLayout layout, HostLink hostLink, CancellationToken cancellationToken)
    {
        var lab = layout.LabNamespace;
        await EnsureNamespaceAsync(lab, cancellationToken);
        await EnsureBridgeAsync(lab, LabLayout.UnderlayBridge, LabLayout.UnderlayGateway, LabLayout.UnderlayPrefixLength, cancellationToken);
        await EnsureBridgeAsync(lab, LabLayout.InternetBridge, LabLayout.InternetGateway, LabLayout.InternetPrefixLength, cancellationToken);

        if (!await LinkExistsAsync(null, layout.HostLink, cancellationToken))
        {
            await IpAsync(["link", "add", layout.HostLink, "type", "veth", "peer", "name", LabLayout.HostLinkInLab, "netns", lab], cancellationToken);
        }
        await IpAsync(["addr", "replace", $"{hostLink.HostAddress}/30", "dev", layout.HostLink], cancellationToken);
        await IpAsync(["link", "set", layout.HostLink, "up"], cancellationToken);
        await IpAsync(["-n", lab, "addr", "replace", $"{hostLink.LabAddress}/30", "dev", LabLayout.HostLinkInLab], cancellationToken);
        await IpAsync(["-n", lab, "link", "set", LabLayout.HostLinkInLab, "up"], cancellationToken);

        await InNamespaceAsync(lab, tools.Sysctl, ["-q", "-w", "net.ipv4.ip_forward=1"], cancellationToken);
        // Hosts on the underlay reach the host (the controller) through this link; the host needs no
        // route back because their traffic leaves the lab namespace with the lab's address.
        await InNamespaceAsync(
            lab,
            tools.Nft,
            ["-f", "-"],
            cancellationToken,
            standardInput: $$"""
                table ip skyhook-lab
                delete table ip skyhook-lab
                table ip skyhook-lab {
                    chain postrouting {
                        type nat hook postrouting priority srcnat; policy accept;
                        oifname "{{LabLayout.HostLinkInLab}}" masquerade
                    }
                }
                """);
    }

    /// <summary>A namespace standing for one machine, wired to the lab's bridges.</summary>
    public async Task EnsureHostAsync(
        string labNamespace, string hostNamespace, IReadOnlyList<Attachment> attachments, IPAddress? defaultGateway, CancellationToken cancellationToken)
    {
        await EnsureNamespaceAsync(hostNamespace, cancellationToken);
        foreach (var attachment in attachments)
        {
            if (!await LinkExistsAsync(labNamespace, attachment.LabSide, cancellationToken))
            {
                await IpAsync(
                    ["-n", labNamespace, "link", "add", attachment.LabSide, "type", "veth", "peer", "name", attachment.Inside, "netns", hostNamespace],
                    cancellationToken);
            }
            await IpAsync(["-n", labNamespace, "link", "set", attachment.LabSide, "master", attachment.Bridge, "up"], cancellationToken);
            await IpAsync(["-n", hostNamespace, "addr", "replace", $"{attachment.Address}/{attachment.PrefixLength.ToString(CultureInfo.InvariantCulture)}", "dev", attachment.Inside], cancellationToken);
            await IpAsync(["-n", hostNamespace, "link", "set", attachment.Inside, "up"], cancellationToken);
        }
        if (defaultGateway is not null)
        {
            await IpAsync(["-n", hostNamespace, "route", "replace", "default", "via", defaultGateway.ToString()], cancellationToken);
        }
    }

    public async Task DeleteNamespaceAsync(string netns, CancellationToken cancellationToken) =>
        await runner.RunAsync(new ProcessSpec(tools.Ip, ["netns", "delete", netns]) { CheckExitCode = false }, cancellationToken);

    public async Task DeleteHostLinkAsync(LabLayout layout, CancellationToken cancellationToken) =>
        await runner.RunAsync(new ProcessSpec(tools.Ip, ["link", "delete", layout.HostLink]) { CheckExitCode = false }, cancellationToken);

    /// <summary>A /30 for a new host link that no address on the host is in yet.</summary>
    public async Task<HostLink> ChooseHostLinkAsync(CancellationToken cancellationToken)
    {
        var result = await IpAsync(["-j", "-4", "addr", "show"], cancellationToken);
        using var document = JsonDocument.Parse(result.StandardOutput);
        var taken = document.RootElement.EnumerateArray()
            .SelectMany(link => link.TryGetProperty("addr_info", out var info) ? info.EnumerateArray() : default)
            .Select(address => address.GetProperty("local").GetString())
            .OfType<string>()
            .ToHashSet();
        for (var third = 0; third < 256; third++)
        {
            var link = HostLink.ForBlock($"{HostLinkBase}.{third.ToString(CultureInfo.InvariantCulture)}");
            if (!taken.Contains(link.HostAddress.ToString()) && !taken.Contains(link.LabAddress.ToString()))
            {
                return link;
            }
        }
        throw new LabException($"no free /30 left in {HostLinkBase}.0.0/16 for the lab's host link");
    }

    /// <summary>Runs a program with its network namespace switched, keeping the mount namespace (unlike `ip netns exec`).</summary>
    public Task<ProcessResult> InNamespaceAsync(
        string netns, string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? standardInput = null, bool checkExitCode = true) =>
        runner.RunAsync(
            new ProcessSpec(tools.Nsenter, ["--net=/run/netns/" + netns, program, .. arguments])
            {
                StandardInput = standardInput,
                CheckExitCode = checkExitCode,
            },
            cancellationToken);

    private async Task EnsureNamespaceAsync(string netns, CancellationToken cancellationToken)
    {
        if (!File.Exists("/run/netns/" + netns))
        {
            await IpAsync(["netns", "add", netns], cancellationToken);
        }
        await IpAsync(["-n", netns, "link", "set", "lo", "up"], cancellationToken);
    }

    private async Task EnsureBridgeAsync(string netns, string bridge, IPAddress address, int prefixLength, CancellationToken cancellationToken)
    {
        if (!await LinkExistsAsync(netns, bridge, cancellationToken))
        {
            await IpAsync(["-n", netns, "link", "add", bridge, "type", "bridge"], cancellationToken);
        }
        await IpAsync(["-n", netns, "addr", "replace", $"{address}/{prefixLength.ToString(CultureInfo.InvariantCulture)}", "dev", bridge], cancellationToken);
        await IpAsync(["-n", netns, "link", "set", bridge, "up"], cancellationToken);
    }

    private Task<ProcessResult> IpAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        runner.RunAsync(tools.Ip, arguments, cancellationToken);

    private static string[] InNamespace(string? netns) => netns is null ? [] : ["-n", netns];
}
