namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// One rule as the resolver needs it: whether its verdict differs from the profile's base policy,
/// and which ports of tcp and udp (null: the protocol is not covered), icmp and other protocols it covers.
/// </summary>
internal sealed record RuleShape(bool Deviates, NftRange[]? Tcp, NftRange[]? Udp, bool Icmp, bool Other)
{
    public static readonly NftRange AllPorts = new(0, PortRange.MaxPort);

    public static RuleShape From(AccessRule rule, BasePolicy basePolicy)
    {
        var deviates = (rule.Action == RuleAction.Allow) != (basePolicy == BasePolicy.AllowAll);
        // A tcp or udp rule without ports covers every port, 0 included, as the evaluator does.
        var ports = rule.Ports.Count == 0
            ? [AllPorts]
            : rule.Ports.Select(p => new NftRange((UInt128)p.First, (UInt128)p.Last)).ToArray();
        return rule.Protocol switch
        {
            Protocol.Tcp => new RuleShape(deviates, ports, null, false, false),
            Protocol.Udp => new RuleShape(deviates, null, ports, false, false),
            Protocol.Icmp => new RuleShape(deviates, null, null, true, false),
            _ => new RuleShape(deviates, [AllPorts], [AllPorts], true, true),
        };
    }
}
