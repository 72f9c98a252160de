namespace Skyhook.Controller.Profiles;

/// <param name="Action"><c>allow</c> or <c>deny</c>.</param>
/// <param name="Target">Such as <c>container web1</c>, <c>cidr 10.0.3.0/24</c>, <c>label team=payments</c>.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c>, <c>icmp</c> or <c>all</c>.</param>
/// <param name="Ports">For tcp and udp: ports and ranges such as <c>80</c> or <c>25:1024</c>; none means every port.</param>
public sealed record RuleRequest(string? Action, string? Target, string? Protocol, IReadOnlyList<string>? Ports);
