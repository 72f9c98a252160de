using System.Globalization;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Profiles;

/// <summary>Between the API's rule fields, Core's policy model and the stored rule lines.</summary>
public static class ProfileModel
{
    public const int MaxRules = 1000;

    /// <summary>Core's profile for a stored one; the stored lines were validated when written.</summary>
    public static AccessProfile ToAccessProfile(ProfileEntity profile) => new(
        profile.Name,
        PolicyText.ParseBasePolicy(profile.BasePolicy),
        profile.Rules.OrderBy(r => r.Position).Select(r => AccessRule.Parse(r.Text)).ToList());

    /// <summary>Validates the base policy and every rule, naming each field at fault.</summary>
    public static (BasePolicy BasePolicy, List<AccessRule> Rules) Read(FieldErrors errors, string? basePolicy, IReadOnlyList<RuleRequest?>? rules)
    {
        var policy = BasePolicy.DenyAll;
        if (errors.Require("basePolicy", basePolicy) && !PolicyText.TryParseBasePolicy(basePolicy, out policy, out var policyError))
        {
            errors.Add("basePolicy", policyError);
        }

        var parsed = new List<AccessRule>();
        rules ??= [];
        if (rules.Count > MaxRules)
        {
            errors.Add("rules", string.Create(CultureInfo.InvariantCulture, $"A profile has at most {MaxRules} rules."));
            return (policy, parsed);
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"rules[{i}]");
            if (rules[i] is not { } rule)
            {
                errors.Add(field, "A rule cannot be null.");
                continue;
            }

            if (ReadRule(errors, field, rule) is { } accessRule)
            {
                parsed.Add(accessRule);
            }
        }

        return (policy, parsed);
    }

    public static List<ProfileRuleEntity> ToEntities(IEnumerable<AccessRule> rules) =>
        rules.Select((rule, i) => new ProfileRuleEntity { Position = i, Text = rule.ToString() }).ToList();

    private static AccessRule? ReadRule(FieldErrors errors, string field, RuleRequest rule)
    {
        var ok = true;
        var action = RuleAction.Allow;
        if (!errors.Require($"{field}.action", rule.Action) || !PolicyText.TryParseAction(rule.Action, out action, out var actionError) && Fail(errors, $"{field}.action", actionError))
        {
            ok = false;
        }

        RuleTarget? target = null;
        if (!errors.Require($"{field}.target", rule.Target) || !RuleTarget.TryParse(rule.Target, out target, out var targetError) && Fail(errors, $"{field}.target", targetError))
        {
            ok = false;
        }

        var protocol = Protocol.All;
        if (!errors.Require($"{field}.protocol", rule.Protocol) || !PolicyText.TryParseProtocol(rule.Protocol, out protocol, out var protocolError) && Fail(errors, $"{field}.protocol", protocolError))
        {
            ok = false;
        }

        var ports = new List<PortRange>();
        var portTexts = rule.Ports ?? [];
        for (var j = 0; j < portTexts.Count; j++)
        {
            if (PortRange.TryParse(portTexts[j], out var range, out var portError))
            {
                ports.Add(range);
            }
            else
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{field}.ports[{j}]"), portError);
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        if (ports.Count > 0 && protocol is Protocol.Icmp or Protocol.All)
        {
            errors.Add($"{field}.ports", $"Ports apply only to tcp and udp; remove them from this {protocol.ToText()} rule.");
            return null;
        }

        return new AccessRule(action, target!, protocol, ports);
    }

    private static bool Fail(FieldErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return true;
    }
}
