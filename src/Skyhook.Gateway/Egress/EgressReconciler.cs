using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Addressing;
using Skyhook.Core.Groups;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Sync;
using Skyhook.Linux;

namespace Skyhook.Gateway.Egress;

/// <summary>
/// VPN traffic that leaves the gateway through its own interfaces rather than into an overlay: the
/// group's additional CIDRs in split tunnel, everything in full tunnel. Such traffic is masqueraded
/// to the gateway's address on the way out (the networks behind have no route back to VPN client
/// addresses) and let past dockerd's FORWARD drop. The NAT is one nftables table of its own
/// (<c>ip skyhook_egress</c>), replaced in one transaction when it differs from the desired one;
/// the accepts are DOCKER-USER rules tagged <c>skyhook:egress</c>. Overlay traffic is not touched:
/// it leaves through the overlay veths, which the anchors masquerade. A failure is reported in the
/// heartbeat and retried on the next apply, never thrown: the VPN itself must keep working.
/// </summary>
public sealed partial class EgressReconciler(IOptions<OverlayOptions> options, ProcessRunner runner, SyncStatus status, ILogger<EgressReconciler> logger)
    : IDesiredStateReconciler
{
    public const string Table = "skyhook_egress";
    public const string Tag = "skyhook:egress";

    private readonly OverlayOptions _options = options.Value;
    private readonly NetworkCommands _host = new(runner, options.Value.HostNetworkNamespace);

    public string Name => "egress";

    /// <summary>Where VPN traffic may leave the gateway unmasked by an overlay: nothing, the additional CIDRs, or everything.</summary>
    public static IReadOnlyList<Cidr> Destinations(ValidatedState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.TunnelMode == TunnelMode.Full
            ? [Cidr.Parse("0.0.0.0/0")]
            : state.AdditionalCidrs.Where(c => c.Family == System.Net.Sockets.AddressFamily.InterNetwork).ToList();
    }

    /// <summary>
    /// The table for <paramref name="clientBlock"/> and <paramref name="destinations"/>, as an nft
    /// script that replaces any earlier one in the same transaction. Its rule's comment carries a hash
    /// of the script, so the host can be compared with the desired table by reading it back.
    /// </summary>
    public static string Script(Cidr clientBlock, IReadOnlyList<Cidr> destinations, IReadOnlyList<string> vpnInterfaces)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(vpnInterfaces);
        if (vpnInterfaces.FirstOrDefault(p => !OverlayNames.IsInterfacePattern(p)) is { } bad)
        {
            throw new ArgumentException($"Overlay:VpnInterfaces '{bad}' is not an interface name or a prefix ending in '+'", nameof(vpnInterfaces));
        }
        var rule = new StringBuilder("ip saddr ").Append(clientBlock);
        if (destinations.All(d => d.PrefixLength > 0))
        {
            rule.Append(" ip daddr { ").AppendJoin(", ", destinations).Append(" }");
        }
        // iptables' "+" wildcard is nftables' "*".
        foreach (var pattern in vpnInterfaces.Select(p => p.Replace('+', '*')).Append(OverlayNames.HostInterfacePrefix + "*"))
        {
            rule.Append(" oifname != \"").Append(pattern).Append('"');
        }
        rule.Append(" masquerade");
        var body = rule.ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16];
        return $"table ip {Table}\ndelete table ip {Table}\ntable ip {Table} {{\n"
            + "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
            + $"\t\t{body} comment \"{Tag}:{hash}\"\n\t}}\n}}\n";
    }

    /// <summary>The script's "skyhook:egress:HASH" comment: what tells a table on the host from the one desired.</summary>
    public static string Marker(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return script[script.IndexOf(Tag + ":", StringComparison.Ordinal)..].Split('"')[0];
    }

    public async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var destinations = Destinations(state);
        string? problem = null;
        try
        {
            if (destinations.Count == 0)
            {
                await RemoveAsync(cancellationToken);
            }
            else
            {
                await EnsureAsync(state.ClientBlock, destinations, cancellationToken);
            }
        }
        catch (ProcessFailedException ex)
        {
            problem = ex.Message;
            Log.Failed(logger, state.Revision, ex.Message);
        }
        status.SetProblem(Name, problem);
    }

    private async Task EnsureAsync(Cidr clientBlock, IReadOnlyList<Cidr> destinations, CancellationToken cancellationToken)
    {
        var script = Script(clientBlock, destinations, _options.VpnInterfaces);
        if (await _host.NftTableAsync("ip", Table, cancellationToken) is not { } current || !current.Contains(Marker(script), StringComparison.Ordinal))
        {
            await _host.NftApplyAsync(script, cancellationToken);
            Log.Applied(logger, clientBlock.ToString(), string.Join(", ", destinations));
        }
        if (await _host.SysctlAsync("net.ipv4.ip_forward", cancellationToken) != "1")
        {
            await _host.SetSysctlAsync("net.ipv4.ip_forward", "1", cancellationToken);
        }

        // Without dockerd's chain there is no FORWARD drop of dockerd's to get past.
        var dockerUser = new DockerUserRules(_host);
        if (await dockerUser.ChainExistsAsync(cancellationToken))
        {
            var rules = new List<IReadOnlyList<string>>();
            foreach (var vpn in _options.VpnInterfaces)
            {
                rules.AddRange(destinations.Select(d => DockerUserRules.Accept(d.PrefixLength == 0 ? ["-i", vpn] : ["-i", vpn, "-d", d.ToString()], Tag)));
                rules.Add(DockerUserRules.Accept(["-o", vpn, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED"], Tag));
            }
            await dockerUser.EnsureAsync(Tag, rules, cancellationToken);
        }
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (await _host.NftTableAsync("ip", Table, cancellationToken) is not null)
        {
            await _host.RunAsync("nft", ["delete", "table", "ip", Table], cancellationToken);
            Log.Removed(logger);
        }
        await new DockerUserRules(_host).RemoveAsync(tag => tag == Tag, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4400, Level = LogLevel.Information, Message = "Egress: VPN clients {ClientBlock} masqueraded out to {Destinations}")]
        public static partial void Applied(ILogger logger, string clientBlock, string destinations);

        [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Egress: no VPN traffic leaves outside the overlays any more; NAT removed")]
        public static partial void Removed(ILogger logger);

        [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Egress of revision {Revision} not applied (retried on the next resync): {Problem}")]
        public static partial void Failed(ILogger logger, long revision, string problem);
    }
}
