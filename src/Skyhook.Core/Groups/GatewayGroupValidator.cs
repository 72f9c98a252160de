using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Skyhook.Core.Addressing;
using Skyhook.Core.Policy;
using Skyhook.Core.Vpn;

namespace Skyhook.Core.Groups;

/// <summary>
/// Checks a group's settings as a whole before anything is stored: every field on its own, then every
/// address range against every other (overlays, client pool, additional CIDRs, the gateways' own
/// underlays, and ranges no VPN may route), each conflict naming both ranges.
/// </summary>
public static partial class GatewayGroupValidator
{
    private static readonly (string Name, Cidr Range)[] Reserved =
    [
        ("reserved 'this network'", Cidr.Parse("0.0.0.0/8")),
        ("reserved loopback", Cidr.Parse("127.0.0.0/8")),
        ("reserved link-local", Cidr.Parse("169.254.0.0/16")),
        ("reserved multicast", Cidr.Parse("224.0.0.0/4")),
        ("reserved class E", Cidr.Parse("240.0.0.0/4")),
    ];

    /// <param name="gatewayUnderlays">The gateways' own underlay networks, named, e.g. ("gateway gw1 underlay", 172.31.0.0/16).</param>
    public static IReadOnlyList<FieldError> Validate(GatewayGroupSettings settings, IReadOnlyList<NamedRange> gatewayUnderlays)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<FieldError>();
        void Add(string field, string? message)
        {
            if (message is not null)
            {
                errors.Add(new FieldError(field, message));
            }
        }

        Add("name", NameRules.Check("Group name", settings.Name, 64, ".-_"));
        if (settings.Port is < 1 or > 65535)
        {
            Add("port", Invariant($"port {settings.Port} is out of range 1-65535"));
        }
        if (settings.ClientPool.Family != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            Add("clientPool", $"the VPN client pool {settings.ClientPool} must be IPv4");
        }
        else
        {
            try
            {
                SubnetPool.Create(settings.ClientPool, settings.ClientBlockPrefixLength);
            }
            catch (ArgumentException ex)
            {
                Add("clientBlockPrefixLength", ex.Message);
            }
        }
        if (settings.SessionLifetime < GatewayGroupSettings.MinSessionLifetime || settings.SessionLifetime > GatewayGroupSettings.MaxSessionLifetime)
        {
            Add("sessionLifetime", "the session lifetime must be between 5 minutes and 30 days");
        }
        for (var i = 0; i < settings.Nameservers.Count; i++)
        {
            var server = settings.Nameservers[i];
            if (server.Equals(IPAddress.Any) || server.Equals(IPAddress.Broadcast) || server.Equals(IPAddress.IPv6Any) || server.IsIPv6Multicast
                || (server.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && server.GetAddressBytes()[0] >= 224))
            {
                Add(Invariant($"nameservers[{i}]"), $"{server} cannot be a nameserver");
            }
        }
        for (var i = 0; i < settings.SearchDomains.Count; i++)
        {
            var domain = settings.SearchDomains[i];
            if (!VpnEndpoint.IsValidHost(domain) || IPAddress.TryParse(domain, out _))
            {
                Add(Invariant($"searchDomains[{i}]"), $"'{Printable(domain)}' is not a DNS domain (letters, digits, '-' and '.')");
            }
        }
        for (var i = 0; i < settings.AdditionalCidrs.Count; i++)
        {
            if (settings.AdditionalCidrs[i].PrefixLength == 0)
            {
                Add(Invariant($"additionalCidrs[{i}]"), $"{settings.AdditionalCidrs[i]} routes everything: use tunnel mode full instead");
            }
        }
        ValidateOverlays(settings.Overlays, Add);
        if (errors.Count == 0)
        {
            errors.AddRange(RangeErrors(settings, gatewayUnderlays));
        }
        return errors;
    }

    private static void ValidateOverlays(IReadOnlyList<OverlayNetwork> overlays, Action<string, string?> add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < overlays.Count; i++)
        {
            var overlay = overlays[i];
            var field = Invariant($"overlays[{i}]");
            add(field + ".name", NameRules.CheckDockerName("Overlay network name", overlay.Name));
            if (!seen.Add(overlay.Name))
            {
                add(field + ".name", $"overlay network '{overlay.Name}' is listed twice");
            }
            if (overlay.Join is { } join)
            {
                if (!IsHostAndPort(join.ManagerAddress))
                {
                    add(field + ".join.managerAddress", $"'{Printable(join.ManagerAddress)}' is not HOST:PORT of a swarm manager");
                }
                // Never echo the token: it is a secret even when malformed.
                if (!JoinTokenPattern().IsMatch(join.JoinToken))
                {
                    add(field + ".join.joinToken", "the join token is not a swarm join token (SWMTKN-1-...)");
                }
            }
        }
    }

    private static IEnumerable<FieldError> RangeErrors(GatewayGroupSettings settings, IReadOnlyList<NamedRange> gatewayUnderlays)
    {
        var fields = new Dictionary<NamedRange, string>();
        var ranges = new List<NamedRange>();
        void Range(string name, Cidr cidr, string? field)
        {
            var named = new NamedRange(name, cidr);
            ranges.Add(named);
            if (field is not null)
            {
                fields.TryAdd(named, field);
            }
        }

        for (var i = 0; i < settings.Overlays.Count; i++)
        {
            Range($"overlay {settings.Overlays[i].Name}", settings.Overlays[i].Subnet, Invariant($"overlays[{i}].subnet"));
        }
        Range("VPN client pool", settings.ClientPool, "clientPool");
        for (var i = 0; i < settings.AdditionalCidrs.Count; i++)
        {
            Range("additional CIDR", settings.AdditionalCidrs[i], Invariant($"additionalCidrs[{i}]"));
        }
        foreach (var underlay in gatewayUnderlays)
        {
            Range(underlay.Name, underlay.Range, field: null);
        }
        foreach (var (name, range) in Reserved)
        {
            Range(name, range, field: null);
        }

        foreach (var conflict in RangeConflicts.Find(ranges))
        {
            // Blame the admin's own field: reserved ranges and underlays are facts, not input.
            var field = fields.GetValueOrDefault(conflict.Second) ?? fields.GetValueOrDefault(conflict.First);
            if (field is not null)
            {
                yield return new FieldError(field, conflict.Message);
            }
        }
    }

    private static bool IsHostAndPort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }
        var host = text[..colon].Trim('[', ']');
        return VpnEndpoint.IsValidHost(host)
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535;
    }

    private static string Printable(string text) =>
        string.Concat(text.Take(80).Select(c => char.IsControl(c) ? "?" : c.ToString()));

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    [GeneratedRegex("^SWMTKN-1-[a-z0-9]{20,}-[a-z0-9]{20,}$")]
    private static partial Regex JoinTokenPattern();
}
