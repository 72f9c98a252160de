namespace Skyhook.Core.Policy;

/// <summary>What a matching rule does; text forms allow and deny.</summary>
public enum RuleAction
{
    Allow,
    Deny,
}
