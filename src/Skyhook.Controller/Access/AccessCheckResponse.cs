namespace Skyhook.Controller.Access;

/// <param name="Verdict"><c>allow</c> or <c>deny</c>.</param>
/// <param name="RuleNumber">1-based number of the deciding rule, or null when the base policy decided.</param>
/// <param name="Rule">The deciding rule's text, or null.</param>
public sealed record AccessCheckResponse(
    string User,
    string Profile,
    string Verdict,
    bool Allowed,
    int? RuleNumber,
    string? Rule,
    string Explanation);
