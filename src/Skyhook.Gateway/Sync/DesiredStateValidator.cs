using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Addressing;
using Skyhook.Core.Contracts;
using Skyhook.Core.Groups;
using Skyhook.Core.Identity;
using Skyhook.Core.Policy;
using Skyhook.Core.Vpn;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// Checks a whole desired state before anything is applied: every CIDR, address, domain, rule and
/// name is parsed, references resolve, names are unique. One bad field rejects the document (the
/// gateway keeps the last good one); the errors name every problem found, not just the first.
/// </summary>
public static class DesiredStateValidator
{
    public static ValidatedState? Validate(DesiredState? state, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        if (state is null)
        {
            problems.Add("the desired state is empty");
            return null;
        }
        if (state.ContractVersion != ContractVersion.Current)
        {
            problems.Add($"contract version {state.ContractVersion} is not {ContractVersion.Current}");
        }
        if (state.Revision < 0)
        {
            problems.Add("the revision is negative");
        }
        if (state.Hash is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower))
        {
            problems.Add("the hash is not a lowercase hex SHA-256");
        }
        if (state.Gateway is null || state.Group is null || state.Profiles is null || state.Users is null)
        {
            problems.Add("the gateway, group, profiles or users are missing");
            return null;
        }

        var clientBlock = default(Cidr);
        if (string.IsNullOrEmpty(state.Gateway.Name))
        {
            problems.Add("gateway.name is empty");
        }
        if (!Cidr.TryParse(state.Gateway.ClientBlock, out clientBlock, out var cidrError))
        {
            problems.Add($"gateway.clientBlock: {cidrError}");
        }
        else if (clientBlock.Family != AddressFamily.InterNetwork || clientBlock.PrefixLength is < 16 or > 29)
        {
            problems.Add($"gateway.clientBlock {clientBlock} must be an IPv4 block from /16 to /29");
        }

        var group = state.Group;
        if (!GroupText.TryParseTransport(group.Transport, out var transport))
        {
            problems.Add($"group.transport '{group.Transport}' is neither udp nor tcp");
        }
        if (!GroupText.TryParseTunnelMode(group.TunnelMode, out var tunnel))
        {
            problems.Add($"group.tunnelMode '{group.TunnelMode}' is neither split nor full");
        }
        if (group.Port is < 1 or > 65535)
        {
            problems.Add($"group.port {group.Port} is not 1 to 65535");
        }
        if (group.SessionLifetimeSeconds < 1)
        {
            problems.Add("group.sessionLifetimeSeconds must be positive");
        }
        var additional = ParseCidrs(problems, "group.additionalCidrs", group.AdditionalCidrs);
        var nameservers = new List<IPAddress>();
        foreach (var text in group.Nameservers ?? [])
        {
            if (IPAddress.TryParse(text, out var address) && address.ToString() == text)
            {
                nameservers.Add(address);
            }
            else
            {
                problems.Add($"group.nameservers: '{text}' is not an IP address");
            }
        }
        var searchDomains = new List<string>();
        foreach (var domain in group.SearchDomains ?? [])
        {
            // "apps.internal." is the fully qualified spelling of the same domain.
            var name = domain is not null && domain.EndsWith('.') ? domain[..^1] : domain;
            if (name is null || !ClientConnectConfig.IsDomainName(name))
            {
                problems.Add($"group.searchDomains: '{domain}' is not a DNS domain name");
            }
            else if (!searchDomains.Contains(name.ToLowerInvariant()))
            {
                searchDomains.Add(name.ToLowerInvariant());
            }
        }
        var overlays = new List<ValidatedOverlay>();
        foreach (var overlay in group.Overlays ?? [])
        {
            if (string.IsNullOrEmpty(overlay?.Name))
            {
                problems.Add("group.overlays: an overlay has no name");
                continue;
            }
            if (!Cidr.TryParse(overlay.Subnet, out var subnet, out var subnetError))
            {
                problems.Add($"group.overlays[{overlay.Name}].subnet: {subnetError}");
                continue;
            }
            if (overlays.Any(o => o.Name == overlay.Name))
            {
                problems.Add($"group.overlays: '{overlay.Name}' appears twice");
            }
            overlays.Add(new ValidatedOverlay(overlay.Name, subnet, overlay.Enabled, overlay.ManagerAddress, overlay.JoinToken));
        }

        var profiles = new Dictionary<string, AccessProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var profile in state.Profiles)
        {
            if (profile is null)
            {
                problems.Add("profiles: a profile is null");
                continue;
            }
            if (!AccessProfile.IsValidName(profile.Name, out var nameError))
            {
                problems.Add($"profiles: {nameError}");
                continue;
            }
            if (!PolicyText.TryParseBasePolicy(profile.BasePolicy, out var basePolicy, out var policyError))
            {
                problems.Add($"profiles[{profile.Name}].basePolicy: {policyError}");
            }
            var rules = new List<AccessRule>();
            var index = 0;
            foreach (var text in profile.Rules ?? [])
            {
                index++;
                if (AccessRule.TryParse(text, out var rule, out var ruleError))
                {
                    rules.Add(rule);
                }
                else
                {
                    problems.Add($"profiles[{profile.Name}].rules[{index}]: {ruleError}");
                }
            }
            if (!profiles.TryAdd(profile.Name, new AccessProfile(profile.Name, Enum.IsDefined(basePolicy) ? basePolicy : BasePolicy.DenyAll, rules)))
            {
                problems.Add($"profiles: '{profile.Name}' appears twice");
            }
        }

        var users = new Dictionary<string, UserDocument>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in state.Users)
        {
            if (user is null)
            {
                problems.Add("users: a user is null");
                continue;
            }
            if (!UserName.TryParse(user.Name, out _, out var userError))
            {
                problems.Add($"users: {userError}");
                continue;
            }
            if (user.Profile is not null && !profiles.ContainsKey(user.Profile))
            {
                problems.Add($"users[{user.Name}].profile '{user.Profile}' is not a profile of this state");
            }
            if (!users.TryAdd(user.Name, user))
            {
                problems.Add($"users: '{user.Name}' appears twice");
            }
        }

        var ended = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in state.EndedSessions ?? [])
        {
            if (!VpnSessionId.IsValid(id))
            {
                problems.Add("endedSessions: an id is not 32 lowercase hex digits");
                break;
            }
            ended.Add(id);
        }

        return problems.Count > 0
            ? null
            : new ValidatedState(state, clientBlock, transport, tunnel, additional, nameservers, searchDomains, group.HideUnreachableNames, overlays, profiles, users) { EndedSessions = ended };
    }

    private static List<Cidr> ParseCidrs(List<string> problems, string field, IReadOnlyList<string>? texts)
    {
        var result = new List<Cidr>();
        foreach (var text in texts ?? [])
        {
            if (Cidr.TryParse(text, out var cidr, out var error))
            {
                result.Add(cidr);
            }
            else
            {
                problems.Add($"{field}: {error}");
            }
        }
        return result;
    }
}
