namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>ct state { ... }</c>: the connection tracking state is one of <see cref="States"/>
/// (nftables names: new, established, related, invalid, untracked).</summary>
public sealed record NftConntrackMatch(IReadOnlyList<string> States) : NftStatement;
