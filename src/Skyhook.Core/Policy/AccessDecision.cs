namespace Skyhook.Core.Policy;

/// <summary>
/// The verdict for one destination. <paramref name="RuleIndex"/> is 0-based and null when the base
/// policy decided; <paramref name="Explanation"/> is for people and numbers rules from 1, as a rule
/// list shown to an admin does.
/// </summary>
public sealed record AccessDecision(bool Allowed, int? RuleIndex, string Explanation);
