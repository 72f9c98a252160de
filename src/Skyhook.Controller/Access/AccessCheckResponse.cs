namespace Skyhook.Controller.Access;

/// <param name="Verdict"><c>allow</c> or <c>deny</c>.</param>
/// <param name="RuleNumber">1-based number of the deciding rule, or null when the base policy decided.</param>
/// <param name="Rule">The deciding rule's text, or null.</param>
/// <param name="Address">The address judged: the destination, or the first address of the name it gave.</param>
/// <param name="Container">The container at that address, as the gateways' discovery reports it (or as the request said).</param>
/// <param name="Others">When the destination was a name with several addresses (a service's tasks), the verdicts for the other addresses.</param>
public sealed record AccessCheckResponse(
    string User,
    string Profile,
    string Verdict,
    bool Allowed,
    int? RuleNumber,
    string? Rule,
    string Explanation,
    string Address,
    string? Container = null,
    IReadOnlyList<AccessCheckResponse>? Others = null);
