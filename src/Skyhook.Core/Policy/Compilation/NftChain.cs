namespace Skyhook.Core.Policy.Compilation;

/// <summary>A chain; a base chain when <see cref="Hook"/> is set, else reached only by jump, goto or a verdict map.</summary>
public sealed record NftChain(string Name, NftHook? Hook, IReadOnlyList<NftRule> Rules);
