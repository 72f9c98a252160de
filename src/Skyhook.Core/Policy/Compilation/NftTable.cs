namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// A whole nftables table as desired state: what <see cref="NftJson"/> renders as one transaction
/// that replaces the table. Lists are in the order they are rendered.
/// </summary>
public sealed record NftTable(
    string Family,
    string Name,
    IReadOnlyList<NftSet> Sets,
    IReadOnlyList<NftVerdictMap> Maps,
    IReadOnlyList<NftChain> Chains);
