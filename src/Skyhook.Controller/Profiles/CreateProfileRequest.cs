namespace Skyhook.Controller.Profiles;

/// <param name="BasePolicy"><c>deny-all</c> or <c>allow-all</c>: what happens when no rule matches.</param>
/// <param name="Rules">In order; the first matching rule decides.</param>
public sealed record CreateProfileRequest(string? Name, string? BasePolicy, IReadOnlyList<RuleRequest?>? Rules);
