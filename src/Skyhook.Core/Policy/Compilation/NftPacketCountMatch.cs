namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>ct original packets FIRST-LAST</c>: the connection has carried that many packets in its
/// original direction, this one included. Needs conntrack accounting (<c>net.netfilter.nf_conntrack_acct=1</c>);
/// without it the count reads 0 and a range from 1 up never matches.</summary>
public sealed record NftPacketCountMatch(int First, int Last) : NftStatement;
