namespace Skyhook.Core.Policy.Compilation;

/// <summary>A named map from single values of <see cref="KeyType"/> to verdicts (<c>map NAME { type K : verdict }</c>).</summary>
public sealed record NftVerdictMap(string Name, NftKeyType KeyType, IReadOnlyList<NftMapElement> Elements);
