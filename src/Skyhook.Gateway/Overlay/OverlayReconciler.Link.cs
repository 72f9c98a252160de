using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Linux;

namespace Skyhook.Gateway.Overlay;

public sealed partial class OverlayReconciler
{
    private const int LinkPrefixLength = 30;

    private async Task EnsureOverlayAsync(OverlayDocument overlay, CancellationToken cancellationToken)
    {
        var subnet = Cidr.Parse(overlay.Subnet);
        var anchor = await EnsureAnchorAsync(overlay.Name, subnet, cancellationToken);
        var hostInterface = OverlayNames.HostInterface(overlay.Name);
        var inAnchor = new NetworkCommands(_runner, NetworkNamespace.OfProcess(anchor.Pid));

        await EnsureVethAsync(overlay.Name, hostInterface, inAnchor, cancellationToken);
        var (hostAddress, anchorAddress) = await ChooseLinkAsync(overlay.Name, hostInterface, cancellationToken);
        await EnsureInterfaceAsync(_host, hostInterface, hostAddress, OverlayNames.Tag(overlay.Name), cancellationToken);
        await EnsureInterfaceAsync(inAnchor, OverlayNames.AnchorInterface, anchorAddress, alias: null, cancellationToken);

        // Inside the anchor: forward, answer VPN clients over the veth (Docker's default route points
        // at docker_gwbridge, which has no way back to them), and masquerade to the overlay address.
        await EnsureSysctlAsync(inAnchor, "net.ipv4.ip_forward", "1", cancellationToken);
        await EnsureRouteAsync(inAnchor, "default", Text(hostAddress), OverlayNames.AnchorInterface, cancellationToken);
        var overlayInterface = await OverlayInterfaceAsync(inAnchor, overlay.Name, anchor.OverlayAddress, cancellationToken);
        if (!await HasMasqueradeAsync(inAnchor, overlayInterface, cancellationToken))
        {
            await inAnchor.NftApplyAsync(MasqueradeScript(overlay.Name, overlayInterface), cancellationToken);
            Log.MasqueradeApplied(_logger, overlay.Name, overlayInterface);
        }

        // On the host: forward, route the overlay over the veth, let the VPN through dockerd's FORWARD drop.
        await EnsureSysctlAsync(_host, "net.ipv4.ip_forward", "1", cancellationToken);
        await EnsureRouteAsync(_host, subnet.ToString(), Text(anchorAddress), hostInterface, cancellationToken);
        await EnsureRulesAsync(overlay.Name, hostInterface, cancellationToken);
        Log.OverlayAttached(_logger, overlay.Name, anchor.Id, anchor.OverlayAddress, hostInterface);
    }

    /// <summary>
    /// The veth pair, created straight into the anchor's namespace. A host end without its anchor end
    /// (its peer lives in an anchor that is gone or was replaced) is deleted and made again.
    /// </summary>
    private async Task EnsureVethAsync(string network, string hostInterface, NetworkCommands inAnchor, CancellationToken cancellationToken)
    {
        var hostEnd = await _host.LinkAsync(hostInterface, cancellationToken);
        var anchorEnd = await inAnchor.LinkAsync(OverlayNames.AnchorInterface, cancellationToken);
        if (hostEnd.Exists && anchorEnd.Exists)
        {
            return;
        }
        if (hostEnd.Exists)
        {
            await _host.RunAsync("ip", ["link", "del", "dev", hostInterface], cancellationToken);
        }
        if (anchorEnd.Exists)
        {
            await inAnchor.RunAsync("ip", ["link", "del", "dev", OverlayNames.AnchorInterface], cancellationToken);
        }
        await _host.RunAsync(
            "ip",
            ["link", "add", hostInterface, "type", "veth", "peer", "name", OverlayNames.AnchorInterface, "netns", inAnchor.NamespacePath!],
            cancellationToken);
        Log.VethCreated(_logger, network, hostInterface);
    }

    /// <summary>
    /// This overlay's /30: the one its host end already has, else the first /30 of the link block,
    /// starting at a place derived from the name, that no address on the host touches.
    /// </summary>
    private async Task<(IPAddress Host, IPAddress Anchor)> ChooseLinkAsync(string network, string hostInterface, CancellationToken cancellationToken)
    {
        var all = await _host.AddressesAsync(device: null, cancellationToken);
        var own = all.FirstOrDefault(a => a.Interface == hostInterface && a.PrefixLength == LinkPrefixLength
            && IPAddress.TryParse(a.Address, out var ip) && _linkBlock.Contains(ip));
        if (own is not null)
        {
            var link = Cidr.Create(Mask(IPAddress.Parse(own.Address)), LinkPrefixLength);
            return (link.AddressAt(1), link.AddressAt(2));
        }
        var slots = (int)BigInteger.Min(_linkBlock.AddressCount / 4, int.MaxValue);
        var taken = all.Select(a => IPAddress.TryParse(a.Address, out var ip) ? ip : null).OfType<IPAddress>().ToList();
        var start = OverlayNames.PreferredSlot(network, slots);
        for (var i = 0; i < slots; i++)
        {
            var slot = (start + i) % slots;
            var link = Cidr.Create(_linkBlock.AddressAt((UInt128)slot * 4), LinkPrefixLength);
            if (!taken.Any(link.Contains))
            {
                return (link.AddressAt(1), link.AddressAt(2));
            }
        }
        throw new OverlayException($"overlay '{network}': no free /30 left in the link block {_linkBlock}");
    }

    private static IPAddress Mask(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        bytes[3] &= 0xfc;
        return new IPAddress(bytes);
    }

    private static async Task EnsureInterfaceAsync(NetworkCommands where, string name, IPAddress address, string? alias, CancellationToken cancellationToken)
    {
        var link = await where.LinkAsync(name, cancellationToken);
        if (alias is not null && link.Alias != alias)
        {
            await where.RunAsync("ip", ["link", "set", "dev", name, "alias", alias], cancellationToken);
        }
        var addresses = await where.AddressesAsync(name, cancellationToken);
        if (!addresses.Any(a => a.Address == Text(address) && a.PrefixLength == LinkPrefixLength))
        {
            await where.RunAsync("ip", ["addr", "add", Text(address) + "/" + Num(LinkPrefixLength), "dev", name], cancellationToken);
        }
        if (!link.Up)
        {
            await where.RunAsync("ip", ["link", "set", "dev", name, "up"], cancellationToken);
        }
    }

    private static async Task EnsureSysctlAsync(NetworkCommands where, string key, string value, CancellationToken cancellationToken)
    {
        if (await where.SysctlAsync(key, cancellationToken) != value)
        {
            await where.SetSysctlAsync(key, value, cancellationToken);
        }
    }

    private static async Task EnsureRouteAsync(NetworkCommands where, string destination, string gateway, string device, CancellationToken cancellationToken)
    {
        if (await where.RouteAsync(destination, cancellationToken) is { } route && route.Gateway == gateway && route.Device == device)
        {
            return;
        }
        await where.RunAsync("ip", ["route", "replace", destination, "via", gateway, "dev", device], cancellationToken);
    }

    /// <summary>The anchor's interface on the overlay: the one holding the address Docker gave it there.</summary>
    private static async Task<string> OverlayInterfaceAsync(NetworkCommands inAnchor, string network, string overlayAddress, CancellationToken cancellationToken)
    {
        var addresses = await inAnchor.AddressesAsync(device: null, cancellationToken);
        return addresses.FirstOrDefault(a => a.Address == overlayAddress)?.Interface
            ?? throw new OverlayException($"overlay '{network}': no interface in the anchor holds its overlay address {overlayAddress}");
    }

    /// <summary>
    /// The anchor's table, replaced as a whole in one transaction: declaring the table first makes
    /// the delete safe when it does not exist yet, and nothing else of the anchor's rules is touched.
    /// </summary>
    public static string MasqueradeScript(string network, string overlayInterface)
    {
        var table = OverlayNames.AnchorTable;
        var script = new StringBuilder();
        script.Append("table ip ").Append(table).Append('\n');
        script.Append("delete table ip ").Append(table).Append('\n');
        script.Append("table ip ").Append(table).Append(" {\n");
        script.Append("\tchain postrouting {\n");
        script.Append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        script.Append("\t\toifname \"").Append(overlayInterface).Append("\" masquerade comment \"").Append(OverlayNames.Tag(network)).Append("\"\n");
        script.Append("\t}\n}\n");
        return script.ToString();
    }

    /// <summary>Whether the anchor's table holds exactly one rule, the masquerade out of <paramref name="overlayInterface"/>.</summary>
    private static async Task<bool> HasMasqueradeAsync(NetworkCommands inAnchor, string? overlayInterface, CancellationToken cancellationToken)
    {
        if (await inAnchor.NftTableAsync("ip", OverlayNames.AnchorTable, cancellationToken) is not { } text)
        {
            return false;
        }
        using var json = JsonDocument.Parse(text);
        var rules = json.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(item => item.TryGetProperty("rule", out _))
            .Select(item => item.GetProperty("rule"))
            .ToList();
        if (rules.Count != 1)
        {
            return false;
        }
        var expressions = rules[0].GetProperty("expr").EnumerateArray().ToList();
        var masquerades = expressions.Any(e => e.TryGetProperty("masquerade", out _));
        var outInterface = expressions.Any(e =>
            e.TryGetProperty("match", out var match)
            && match.GetProperty("left").TryGetProperty("meta", out var meta)
            && meta.GetProperty("key").GetString() == "oifname"
            && match.GetProperty("right").ValueKind == JsonValueKind.String
            && (overlayInterface is null || match.GetProperty("right").GetString() == overlayInterface));
        return masquerades && outInterface;
    }

    /// <summary>The DOCKER-USER accepts of one overlay: VPN to veth, and established/related back.</summary>
    private IReadOnlyList<IReadOnlyList<string>> DesiredRules(string network, string hostInterface)
    {
        var tag = OverlayNames.Tag(network);
        var rules = new List<IReadOnlyList<string>>();
        foreach (var vpn in _options.VpnInterfaces)
        {
            rules.Add(DockerUserRules.Accept(["-i", vpn, "-o", hostInterface], tag));
            rules.Add(DockerUserRules.Accept(["-i", hostInterface, "-o", vpn, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED"], tag));
        }
        return rules;
    }

    /// <summary>Adds the missing accepts and deletes this overlay's others: duplicates, or interfaces no longer configured.</summary>
    private async Task EnsureRulesAsync(string network, string hostInterface, CancellationToken cancellationToken)
    {
        if (!await _dockerUser.ChainExistsAsync(cancellationToken))
        {
            throw new OverlayException($"overlay '{network}': the iptables chain {DockerUserRules.Chain} is missing; "
                + "the Docker engine must manage iptables (it creates the chain and its FORWARD drop)");
        }
        foreach (var rule in await _dockerUser.EnsureAsync(OverlayNames.Tag(network), DesiredRules(network, hostInterface), cancellationToken))
        {
            Log.RuleAdded(_logger, network, string.Join(' ', rule));
        }
    }

    /// <summary>Takes one overlay off the host: its rules, its veth (the route and the anchor end go with it), its anchor.</summary>
    private async Task RemoveOverlayAsync(string network, CancellationToken cancellationToken)
    {
        await _dockerUser.RemoveAsync(tag => tag == OverlayNames.Tag(network), cancellationToken);
        var hostInterface = OverlayNames.HostInterface(network);
        if ((await _host.LinkAsync(hostInterface, cancellationToken)).Exists)
        {
            await _host.RunAsync("ip", ["link", "del", "dev", hostInterface], cancellationToken);
        }
        await RemoveAnchorsAsync(network, cancellationToken);
        Log.OverlayDetached(_logger, network);
    }

    /// <summary>Every overlay Skyhook left a trace of on this host: anchors, tagged veths, tagged DOCKER-USER rules.</summary>
    private async Task<IReadOnlySet<string>> DiscoverAsync(CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var container in await AnchorContainersAsync(network: null, cancellationToken))
        {
            if (container.Labels?.TryGetValue(OverlayNames.AnchorLabel, out var name) == true && name.Length > 0)
            {
                names.Add(name);
            }
        }
        foreach (var (_, alias) in await _host.LinksWithAliasAsync(OverlayNames.TagPrefix, cancellationToken))
        {
            names.Add(alias[OverlayNames.TagPrefix.Length..]);
        }
        foreach (var (tag, _) in await _dockerUser.ListAsync(tag => tag.StartsWith(OverlayNames.TagPrefix, StringComparison.Ordinal), cancellationToken))
        {
            names.Add(tag[OverlayNames.TagPrefix.Length..]);
        }
        return names;
    }

    private async Task<OverlayReport> ObserveAsync(IReadOnlyList<OverlayDocument> overlays, IReadOnlyDictionary<string, string> errors, CancellationToken cancellationToken)
    {
        var desired = overlays.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var names = new SortedSet<string>(desired.Keys, StringComparer.Ordinal);
        names.UnionWith(await DiscoverAsync(cancellationToken));
        var statuses = new List<OverlayStatus>();
        foreach (var name in names)
        {
            var overlay = desired.GetValueOrDefault(name);
            statuses.Add(await ObserveOneAsync(name, overlay, errors.GetValueOrDefault(name), cancellationToken));
        }
        return new OverlayReport(statuses, SwarmJoinedBySkyhook: File.Exists(SwarmMarkerPath));
    }

    private async Task<OverlayStatus> ObserveOneAsync(string name, OverlayDocument? overlay, string? error, CancellationToken cancellationToken)
    {
        Anchor? anchor = null;
        foreach (var container in await AnchorContainersAsync(name, cancellationToken))
        {
            anchor ??= AsAnchor(await _docker.Containers.InspectContainerAsync(container.ID, cancellationToken), name);
        }
        var hostInterface = OverlayNames.HostInterface(name);
        var exists = (await _host.LinkAsync(hostInterface, cancellationToken)).Exists;
        var linkAddress = exists
            ? (await _host.AddressesAsync(hostInterface, cancellationToken)).FirstOrDefault(a => a.PrefixLength == LinkPrefixLength)
            : null;

        var routePresent = false;
        if (exists && overlay is not null && await _host.RouteAsync(Cidr.Parse(overlay.Subnet).ToString(), cancellationToken) is { } route)
        {
            routePresent = route.Device == hostInterface;
        }
        var rulesPresent = exists && await _dockerUser.HasAllAsync(DesiredRules(name, hostInterface), cancellationToken);
        var masquerade = anchor is not null
            && await HasMasqueradeAsync(new NetworkCommands(_runner, NetworkNamespace.OfProcess(anchor.Pid)), overlayInterface: null, cancellationToken);
        return new OverlayStatus(
            name,
            overlay?.Enabled ?? false,
            anchor?.Id,
            anchor?.OverlayAddress,
            exists ? hostInterface : null,
            linkAddress?.ToString(),
            routePresent,
            rulesPresent,
            masquerade,
            error);
    }
}
