namespace Skyhook.Core.Policy.Compilation;

/// <summary>What makes a chain a base chain: <c>type filter hook HOOK priority N; policy P;</c>.</summary>
public sealed record NftHook(string Hook, int Priority, NftVerdictKind Policy);
