namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// One component of a set element: an inclusive range of values (addresses as 128-bit integers with
/// IPv4 in the low 32 bits, protocol numbers, ports). <c>First == Last</c> is a single value.
/// </summary>
public readonly record struct NftRange
{
    public NftRange(UInt128 first, UInt128 last)
    {
        if (first > last)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, "The range is reversed.");
        }

        First = first;
        Last = last;
    }

    public UInt128 First { get; }

    public UInt128 Last { get; }

    public bool IsSingle => First == Last;

    public bool Contains(UInt128 value) => value >= First && value <= Last;

    public static NftRange Single(UInt128 value) => new(value, value);
}
