namespace Skyhook.Core.Policy.Compilation;

/// <summary>A verdict statement; <see cref="Target"/> names the chain of a jump or goto and is null otherwise.</summary>
public sealed record NftVerdict : NftStatement
{
    public NftVerdict(NftVerdictKind kind, string? target = null)
    {
        if (kind is NftVerdictKind.Jump or NftVerdictKind.Goto ? target is null : target is not null)
        {
            throw new ArgumentException("Jump and goto need a target chain; other verdicts take none.", nameof(target));
        }

        Kind = kind;
        Target = target;
    }

    public static NftVerdict Accept { get; } = new(NftVerdictKind.Accept);

    public static NftVerdict Drop { get; } = new(NftVerdictKind.Drop);

    public NftVerdictKind Kind { get; }

    public string? Target { get; }
}
