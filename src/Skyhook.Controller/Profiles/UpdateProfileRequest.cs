namespace Skyhook.Controller.Profiles;

/// <summary>Replaces the base policy and the whole rule list; the name stays.</summary>
public sealed record UpdateProfileRequest(string? BasePolicy, IReadOnlyList<RuleRequest?>? Rules);
