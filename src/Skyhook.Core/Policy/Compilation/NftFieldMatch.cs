namespace Skyhook.Core.Policy.Compilation;

/// <summary><c>FIELD == VALUE</c>, such as <c>meta l4proto 17</c> or <c>th dport 53</c>.</summary>
public sealed record NftFieldMatch(NftField Field, uint Value) : NftStatement;
