using System.Globalization;

namespace Skyhook.Core.Policy;

/// <summary>
/// Judges a destination against a profile the way the data path does: the first rule whose protocol,
/// ports and target all match decides, else the base policy. The CLI's access check and the console
/// use this, so its verdict must equal the compiled nftables one.
/// </summary>
public static class PolicyEvaluator
{
    public static AccessDecision Evaluate(AccessProfile profile, Destination destination)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(destination);

        for (var i = 0; i < profile.Rules.Count; i++)
        {
            var rule = profile.Rules[i];
            if (!MatchesProtocolAndPort(rule, destination))
            {
                continue;
            }

            var reason = MatchTarget(rule.Target, destination);
            if (reason is not null)
            {
                return new AccessDecision(
                    rule.Action == RuleAction.Allow,
                    i,
                    string.Create(CultureInfo.InvariantCulture, $"rule {i + 1} ({rule}) matched: {reason}"));
            }
        }

        return new AccessDecision(
            profile.BasePolicy == BasePolicy.AllowAll,
            null,
            $"no rule matched {destination}; base policy {profile.BasePolicy.ToText()}");
    }

    private static bool MatchesProtocolAndPort(AccessRule rule, Destination destination)
    {
        if (rule.Protocol != Protocol.All && rule.Protocol != destination.Protocol)
        {
            return false;
        }

        return rule.Ports.Count == 0 || rule.Ports.Any(p => p.Contains(destination.Port!.Value));
    }

    /// <summary>Why the target matches, as the end of an explanation; null when it does not.</summary>
    private static string? MatchTarget(RuleTarget target, Destination destination)
    {
        if (!TargetMatching.Matches(target, destination.Address, destination.Endpoint))
        {
            return null;
        }

        return target switch
        {
            CidrTarget cidr => $"{destination.Subject} is in {cidr.Range}",
            ContainerTarget container => $"{destination.Address} is container {container.Name}",
            ServiceTarget service => $"{destination.Subject} is a task of service {service.Name}",
            LabelTarget label => $"{destination.Subject} has label {label.Key}={label.Value}",
            NetworkTarget network => $"{destination.Subject} is on network {network.Name}",
            _ => throw new ArgumentException($"Unknown target kind {target.GetType().Name}.", nameof(target)),
        };
    }
}
