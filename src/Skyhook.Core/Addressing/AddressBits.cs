using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Skyhook.Core.Addressing;

/// <summary>
/// Converts between <see cref="IPAddress"/> and a 128-bit integer (IPv4 in the low 32 bits), so that
/// prefix math is plain integer math for both families.
/// </summary>
internal static class AddressBits
{
    public static int Width(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 32,
        AddressFamily.InterNetworkV6 => 128,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Only IPv4 and IPv6 are supported."),
    };

    public static string FamilyName(AddressFamily family) =>
        family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    /// <summary>The mask of the bits after the prefix; zero when the prefix covers the whole address.</summary>
    public static UInt128 HostMask(int width, int prefixLength)
    {
        var hostBits = width - prefixLength;
        // Shift counts are taken modulo 128, so a shift by 128 would be a no-op rather than zero.
        return hostBits == 0 ? UInt128.Zero : UInt128.MaxValue >> (128 - hostBits);
    }

    public static UInt128 FromAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"Cannot read the bytes of {address}.", nameof(address));
        }

        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress ToAddress(UInt128 bits, AddressFamily family)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)bits);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, bits);
        return new IPAddress(v6);
    }

    public static string Format(UInt128 bits, AddressFamily family) =>
        family == AddressFamily.InterNetwork ? FormatIPv4((uint)bits) : FormatIPv6(bits);

    private static string FormatIPv4(uint bits) => string.Create(
        CultureInfo.InvariantCulture,
        $"{bits >> 24}.{(bits >> 16) & 0xff}.{(bits >> 8) & 0xff}.{bits & 0xff}");

    /// <summary>
    /// RFC 5952 text, but always in hex: <see cref="IPAddress.ToString"/> prints ::/96 and
    /// ::ffff:0:0/96 addresses in dotted form, which <see cref="Cidr.Parse"/> deliberately rejects,
    /// and the canonical form must parse back to the same value.
    /// </summary>
    private static string FormatIPv6(UInt128 bits)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (ushort)(bits >> (112 - (16 * i)));
        }

        // The longest run of two or more zero groups is compressed; on a tie, the first one.
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        if (bestLength < 2)
        {
            bestStart = -1;
            bestLength = 0;
        }

        var text = new StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                text.Append(':');
            }

            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
