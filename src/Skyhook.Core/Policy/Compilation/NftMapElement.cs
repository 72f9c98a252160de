namespace Skyhook.Core.Policy.Compilation;

/// <summary>One entry of a verdict map: a single key value (an address) and what it leads to.</summary>
public sealed record NftMapElement(UInt128 Key, NftVerdict Verdict);
