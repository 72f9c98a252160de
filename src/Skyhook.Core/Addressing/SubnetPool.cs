using System.Globalization;

namespace Skyhook.Core.Addressing;

/// <summary>
/// Carves equal, aligned blocks out of a supernet, such as /26 VPN client pools out of
/// 192.168.43.0/24 or /24 pools out of a group's 192.168.0.0/16, so gateways never overlap.
/// </summary>
/// <remarks>
/// The pool keeps no record of what it handed out: the caller passes everything already in use on
/// each call, so the answer depends only on stored state and is the same on every controller replica.
/// </remarks>
public sealed class SubnetPool
{
    // Capacity is an int, and a pool of more than a billion gateway blocks is a typo, not a plan.
    private const int MaxBlockBits = 30;

    private SubnetPool(Cidr supernet, int blockPrefixLength)
    {
        Supernet = supernet;
        BlockPrefixLength = blockPrefixLength;
    }

    public Cidr Supernet { get; }

    public int BlockPrefixLength { get; }

    /// <summary>How many blocks the supernet holds.</summary>
    public int Capacity => 1 << (BlockPrefixLength - Supernet.PrefixLength);

    /// <exception cref="ArgumentException">The block length is shorter than the supernet's, leaves no
    /// room for a gateway and a client, or gives more than 2^30 blocks.</exception>
    public static SubnetPool Create(Cidr supernet, int blockPrefixLength)
    {
        var width = supernet.Width;
        // A block must hold the network address, the gateway's own address, at least one client and,
        // in IPv4, the broadcast address: four addresses.
        var longest = width - 2;
        var error = blockPrefixLength < supernet.PrefixLength
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Blocks of /{blockPrefixLength} do not fit in {supernet}; the block prefix length must be from {supernet.PrefixLength} to {longest}.")
            : blockPrefixLength > longest
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Blocks of /{blockPrefixLength} are too small for a VPN pool; the longest {AddressBits.FamilyName(supernet.Family)} block is /{longest} (four addresses).")
            : blockPrefixLength - supernet.PrefixLength > MaxBlockBits
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Carving {supernet} into /{blockPrefixLength} blocks gives 2^{blockPrefixLength - supernet.PrefixLength} blocks; at most 2^{MaxBlockBits} are supported.")
            : null;

        return error is null
            ? new SubnetPool(supernet, blockPrefixLength)
            : throw new ArgumentException(error, nameof(blockPrefixLength));
    }

    /// <summary>
    /// The lowest block that overlaps nothing in <paramref name="taken"/>, or null when every block
    /// does. Taken ranges may be of any size, outside the supernet or of the other family.
    /// </summary>
    public Cidr? Allocate(IReadOnlySet<Cidr> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var blockSize = UInt128.One << (Supernet.Width - BlockPrefixLength);
        var lastBlock = Supernet.LastBits - (blockSize - 1);
        var candidate = Supernet.Bits;

        // Walking the taken ranges in address order settles the answer in one pass instead of testing
        // every block against every taken range.
        foreach (var range in taken.Where(Supernet.Overlaps).OrderBy(r => r.Bits))
        {
            if (range.LastBits < candidate)
            {
                continue;
            }

            if (range.Bits > candidate + (blockSize - 1))
            {
                break;
            }

            // The candidate overlaps this range: move to the first block after it.
            var blockOfLast = range.LastBits & ~(blockSize - 1);
            if (blockOfLast >= lastBlock)
            {
                return null;
            }

            candidate = blockOfLast + blockSize;
        }

        return new Cidr(candidate, BlockPrefixLength, Supernet.Family);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Supernet} in /{BlockPrefixLength} blocks");
}
