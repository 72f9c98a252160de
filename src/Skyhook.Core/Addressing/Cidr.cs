using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Skyhook.Core.Addressing;

/// <summary>
/// An IPv4 or IPv6 network prefix such as 10.0.0.0/16 or fd00::/64, always with the host bits clear.
/// </summary>
/// <remarks>
/// The address is kept as an integer rather than an <see cref="IPAddress"/> because IPAddress is
/// mutable (ScopeId can be set), and a value type that compares by value must not share one.
/// <c>default(Cidr)</c> is not a network: its <see cref="Family"/> is Unspecified and every other
/// member throws, so a forgotten value can never silently mean 0.0.0.0/0.
/// </remarks>
public readonly partial record struct Cidr
{
    private readonly UInt128 _bits;
    private readonly int _prefixLength;
    private readonly AddressFamily _family;

    // Internal callers pass already-validated parts; public construction goes through Parse or Create.
    internal Cidr(UInt128 bits, int prefixLength, AddressFamily family)
    {
        Debug.Assert((bits & AddressBits.HostMask(AddressBits.Width(family), prefixLength)) == 0, "host bits set");
        _bits = bits;
        _prefixLength = prefixLength;
        _family = family;
    }

    /// <summary>InterNetwork or InterNetworkV6; Unspecified only for <c>default(Cidr)</c>.</summary>
    public AddressFamily Family => _family;

    public int PrefixLength
    {
        get
        {
            EnsureInitialized();
            return _prefixLength;
        }
    }

    /// <summary>The network address (host bits clear); a new instance on every call.</summary>
    public IPAddress Network => AddressBits.ToAddress(Bits, _family);

    public IPAddress FirstAddress => Network;

    public IPAddress LastAddress => AddressBits.ToAddress(LastBits, _family);

    /// <summary>All addresses in the prefix, network and broadcast included; 2^128 for ::/0.</summary>
    public BigInteger AddressCount => BigInteger.One << (Width - _prefixLength);

    internal UInt128 Bits
    {
        get
        {
            EnsureInitialized();
            return _bits;
        }
    }

    internal UInt128 LastBits => Bits | HostMask;

    internal int Width => AddressBits.Width(_family == AddressFamily.Unspecified ? Uninitialized() : _family);

    private UInt128 HostMask => AddressBits.HostMask(Width, _prefixLength);

    /// <summary>
    /// Builds a prefix from an address and a length, with the same checks as <see cref="Parse"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The address has host bits set, a scope id, or is IPv4-mapped,
    /// or the prefix length is out of range.</exception>
    public static Cidr Create(IPAddress network, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(network);
        var family = network.AddressFamily;
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"{network} is neither an IPv4 nor an IPv6 address.", nameof(network));
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{network}/{prefixLength}");
        if (family == AddressFamily.InterNetworkV6 && network.ScopeId != 0)
        {
            throw new ArgumentException($"{text} has an IPv6 zone; a network cannot carry one.", nameof(network));
        }

        var width = AddressBits.Width(family);
        if (prefixLength < 0 || prefixLength > width)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, PrefixOutOfRange(text, family));
        }

        var error = Validate(text, AddressBits.FromAddress(network), prefixLength, family, out var cidr);
        return error is null ? cidr : throw new ArgumentException(error, nameof(network));
    }

    /// <summary>
    /// True when <paramref name="address"/> is inside this prefix. An address of the other family is
    /// never inside, and that includes IPv4-mapped IPv6 addresses: callers that get addresses from a
    /// dual-mode socket call <see cref="IPAddress.MapToIPv4"/> first.
    /// </summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        EnsureInitialized();
        return address.AddressFamily == _family && (AddressBits.FromAddress(address) & ~HostMask) == _bits;
    }

    /// <summary>True when every address of <paramref name="other"/> is inside this prefix.</summary>
    public bool Contains(Cidr other)
    {
        EnsureInitialized();
        other.EnsureInitialized();
        return other._family == _family
            && other._prefixLength >= _prefixLength
            && (other._bits & ~HostMask) == _bits;
    }

    /// <summary>True when the two prefixes share at least one address; never across families.</summary>
    public bool Overlaps(Cidr other) => Contains(other) || other.Contains(this);

    /// <summary>The address <paramref name="offset"/> places after the network address.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is past <see cref="LastAddress"/>.</exception>
    public IPAddress AddressAt(UInt128 offset)
    {
        if (offset > HostMask)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                offset,
                string.Create(CultureInfo.InvariantCulture, $"Offset {offset} is outside {this}, which has {AddressCount} addresses."));
        }

        return AddressBits.ToAddress(Bits + offset, _family);
    }

    /// <summary>
    /// The prefixes of length <paramref name="newPrefixLength"/> that make up this one, in address
    /// order. Lazy, because ::/0 split into /128s never ends in practice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The new length is shorter than this prefix or
    /// longer than the address.</exception>
    public IEnumerable<Cidr> Subnets(int newPrefixLength)
    {
        // Checked here rather than inside the iterator so a bad length fails at the call, not later.
        var width = Width;
        if (newPrefixLength < _prefixLength || newPrefixLength > width)
        {
            throw new ArgumentOutOfRangeException(
                nameof(newPrefixLength),
                newPrefixLength,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Cannot split {this} into /{newPrefixLength} subnets; the new prefix length must be from {_prefixLength} to {width}."));
        }

        return EnumerateSubnets(newPrefixLength);
    }

    /// <summary>The canonical text: lowercase, compressed IPv6 (always hex), decimal prefix length.</summary>
    public override string ToString() => _family == AddressFamily.Unspecified
        ? "(unset Cidr)"
        : string.Create(CultureInfo.InvariantCulture, $"{AddressBits.Format(_bits, _family)}/{_prefixLength}");

    private IEnumerable<Cidr> EnumerateSubnets(int newPrefixLength)
    {
        var step = UInt128.One << (Width - newPrefixLength);
        var last = LastBits & ~AddressBits.HostMask(Width, newPrefixLength);
        // Stop on reaching the last subnet rather than testing current <= last: for ::/0 the step
        // past the last subnet wraps around to zero.
        for (var current = _bits; ; current += step)
        {
            yield return new Cidr(current, newPrefixLength, _family);
            if (current == last)
            {
                yield break;
            }
        }
    }

    private void EnsureInitialized()
    {
        if (_family == AddressFamily.Unspecified)
        {
            Uninitialized();
        }
    }

    private static AddressFamily Uninitialized() =>
        throw new InvalidOperationException("This Cidr is default(Cidr), not a network; create one with Cidr.Parse or Cidr.Create.");
}
