namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>ct timeout set "NAME"</c>: the connection, still unconfirmed (its first packet), takes the
/// table's <see cref="NftConntrackTimeout"/> of that name. Not a verdict: the rule goes on.</summary>
public sealed record NftSetConntrackTimeout(string Name) : NftStatement;
