namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>limit rate R/second burst B packets</c>: matches while the rule's token bucket has a
/// token, so what follows it in the rule runs at most that often. One bucket per rule, shared by
/// every packet that reaches it.</summary>
public sealed record NftLimit(int PerSecond, int Burst) : NftStatement;
