namespace Skyhook.Core.Policy.Compilation;

/// <summary>The verdicts the skyhook table uses.</summary>
public enum NftVerdictKind
{
    Accept,
    Drop,
    Return,

    /// <summary>Run another chain, then come back (unless it decides).</summary>
    Jump,

    /// <summary>Continue in another chain and never come back.</summary>
    Goto,
}
