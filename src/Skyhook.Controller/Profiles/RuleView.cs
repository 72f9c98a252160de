using Skyhook.Core.Policy;

namespace Skyhook.Controller.Profiles;

/// <param name="Text">The rule's canonical one-line form, as the CLI and explanations print it.</param>
public sealed record RuleView(string Action, string Target, string Protocol, IReadOnlyList<string> Ports, string Text)
{
    public static RuleView From(AccessRule rule) => new(
        rule.Action.ToText(),
        rule.Target.ToString(),
        rule.Protocol.ToText(),
        rule.Ports.Select(p => p.ToString()).ToList(),
        rule.ToString());
}
