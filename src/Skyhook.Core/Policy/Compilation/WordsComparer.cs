namespace Skyhook.Core.Policy.Compilation;

/// <summary>Compares bit sets (which rules apply) by content, so that equal sets share one resolved cell.</summary>
internal sealed class WordsComparer : IEqualityComparer<ulong[]>
{
    public static readonly WordsComparer Instance = new();

    public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(ulong[] obj)
    {
        var hash = new HashCode();
        foreach (var word in obj)
        {
            hash.Add(word);
        }

        return hash.ToHashCode();
    }
}
