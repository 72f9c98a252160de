namespace Skyhook.Core.Policy.Compilation;

/// <summary>One element of an interval set: one range per key type of the set, in the set's order.</summary>
public sealed record NftSetElement
{
    public NftSetElement(IReadOnlyList<NftRange> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Parts = Array.AsReadOnly(parts.ToArray());
    }

    public IReadOnlyList<NftRange> Parts { get; }

    /// <summary>True when every part contains the value at the same position.</summary>
    public bool Contains(IReadOnlyList<UInt128> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Count != Parts.Count)
        {
            return false;
        }

        for (var i = 0; i < Parts.Count; i++)
        {
            if (!Parts[i].Contains(key[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Records compare lists by reference; elements are compared by content, in tests and by
    // NftTableDiff over hundreds of thousands of them: by index, so that no enumerator is allocated.
    public bool Equals(NftSetElement? other)
    {
        if (other is null || other.Parts.Count != Parts.Count)
        {
            return false;
        }

        for (var i = 0; i < Parts.Count; i++)
        {
            if (Parts[i] != other.Parts[i])
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < Parts.Count; i++)
        {
            hash.Add(Parts[i]);
        }

        return hash.ToHashCode();
    }
}
