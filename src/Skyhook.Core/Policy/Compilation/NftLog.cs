namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>log group G snaplen S</c>: a copy of the packet (its first <paramref name="SnapLength"/>
/// bytes from the network header) to nfnetlink_log group <paramref name="Group"/>. Not a verdict: the
/// rule goes on. Without a reader in the namespace the kernel discards the copy.</summary>
public sealed record NftLog(int Group, int SnapLength) : NftStatement;
