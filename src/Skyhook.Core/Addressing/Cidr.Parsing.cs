using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Skyhook.Core.Addressing;

// Parsing is strict on purpose: these strings come from admins and end up in nftables, OpenVPN
// pushes and WireGuard AllowedIPs, where a lenient reading (octal octets, "10" meaning 0.0.0.10,
// silently dropped host bits) would open or close the wrong network without anyone noticing.
public readonly partial record struct Cidr
{
    private const string Example = "such as 10.0.0.0/16 or fd00::/64";

    /// <summary>Parses canonical CIDR text such as 10.0.0.0/16 or fd00::/64.</summary>
    /// <exception cref="FormatException">The text is not a valid network prefix; the message says why
    /// and names the input.</exception>
    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    /// <summary>Parses CIDR text; on failure <paramref name="error"/> says why and names the input.</summary>
    public static bool TryParse(string? text, out Cidr cidr, [NotNullWhen(false)] out string? error)
    {
        error = TryParseCore(text, out cidr);
        return error is null;
    }

    private static string? TryParseCore(string? text, out Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(text))
        {
            return $"The network is empty; expected a CIDR {Example}.";
        }

        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return $"'{text}' has leading or trailing whitespace; expected a CIDR {Example}.";
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var addressError = TryParseAddress(text, addressText, out var bits, out var family);
        if (addressError is not null)
        {
            return addressError;
        }

        var width = AddressBits.Width(family);
        if (slash < 0 || slash == text.Length - 1)
        {
            var hostLength = width.ToString(CultureInfo.InvariantCulture);
            return $"{text} is missing a prefix length; write {addressText}/{hostLength} for a single address, or the network's length {Example}.";
        }

        var prefixText = text[(slash + 1)..];
        if (!prefixText.All(char.IsAsciiDigit))
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{text} has an invalid prefix length '{prefixText}'; expected a whole number from 0 to {width}.");
        }

        // More than three digits is out of range for either family, and would overflow int.Parse.
        if (prefixText.Length > 3 || int.Parse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture) > width)
        {
            return PrefixOutOfRange(text, family);
        }

        if (prefixText.Length > 1 && prefixText[0] == '0')
        {
            var trimmed = prefixText.TrimStart('0');
            return $"{text} has a leading zero in its prefix length; write {addressText}/{(trimmed.Length == 0 ? "0" : trimmed)}.";
        }

        var prefixLength = int.Parse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture);
        var error = Validate(text, bits, prefixLength, family, out cidr);
        if (error is not null)
        {
            return error;
        }

        if (family == AddressFamily.InterNetworkV6 && addressText.Contains('.', StringComparison.Ordinal))
        {
            cidr = default;
            return $"{text} writes an IPv4 address inside an IPv6 one, which is easy to misread; write it in hex: {new Cidr(bits, prefixLength, family)}.";
        }

        return null;
    }

    /// <summary>The checks shared by <see cref="Parse"/> and <see cref="Create"/> once the parts are known.</summary>
    private static string? Validate(string text, UInt128 bits, int prefixLength, AddressFamily family, out Cidr cidr)
    {
        cidr = default;
        var hostMask = AddressBits.HostMask(AddressBits.Width(family), prefixLength);

        // ::ffff:0:0/96 holds IPv4 addresses in IPv6 clothing. A rule written that way matches no
        // IPv6 packet and no IPv4 packet either, so it is refused with the IPv4 spelling instead.
        if (family == AddressFamily.InterNetworkV6 && prefixLength >= 96 && bits >> 32 == 0xffff)
        {
            var v4 = new Cidr((uint)(bits & ~hostMask), prefixLength - 96, AddressFamily.InterNetwork);
            return $"{text} is an IPv4-mapped IPv6 network; write the IPv4 network {v4} instead.";
        }

        if ((bits & hostMask) != 0)
        {
            var network = new Cidr(bits & ~hostMask, prefixLength, family);
            return $"{text} has host bits set; did you mean {network}?";
        }

        cidr = new Cidr(bits, prefixLength, family);
        return null;
    }

    private static string PrefixOutOfRange(string text, AddressFamily family) => string.Create(
        CultureInfo.InvariantCulture,
        $"{text} has a prefix length out of range for {AddressBits.FamilyName(family)} (0-{AddressBits.Width(family)}).");

    private static string? TryParseAddress(string text, string addressText, out UInt128 bits, out AddressFamily family)
    {
        bits = UInt128.Zero;
        if (addressText.Contains(':', StringComparison.Ordinal))
        {
            family = AddressFamily.InterNetworkV6;
            return TryParseIPv6(text, addressText, out bits);
        }

        family = AddressFamily.InterNetwork;
        return TryParseIPv4(text, addressText, out bits);
    }

    // IPAddress.TryParse follows inet_aton: "10" is 0.0.0.10, "010" is octal, "0x0a" is hex. Admins
    // mean none of that, so IPv4 is read here as exactly four plain decimal octets.
    private static string? TryParseIPv4(string text, string addressText, out UInt128 bits)
    {
        bits = UInt128.Zero;
        var octets = addressText.Split('.');
        if (octets.Length != 4 || !octets.All(o => o.Length is > 0 and <= 3 && o.All(char.IsAsciiDigit)))
        {
            return $"{text} is not a CIDR: '{addressText}' is not an IPv4 address of four decimal numbers, nor an IPv6 address; expected a network {Example}.";
        }

        var values = octets.Select(o => int.Parse(o, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        if (octets.Any(o => o.Length > 1 && o[0] == '0'))
        {
            var decimalReading = string.Join('.', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            return $"{text} is ambiguous: an octet has a leading zero, which some tools read as octal; write {decimalReading} if decimal was meant.";
        }

        var tooLarge = Array.FindIndex(values, v => v > 255);
        if (tooLarge >= 0)
        {
            return $"{text} is not a CIDR: octet {octets[tooLarge]} is greater than 255.";
        }

        foreach (var value in values)
        {
            bits = (bits << 8) | (uint)value;
        }

        return null;
    }

    private static string? TryParseIPv6(string text, string addressText, out UInt128 bits)
    {
        bits = UInt128.Zero;
        if (addressText.Contains('%', StringComparison.Ordinal))
        {
            return $"{text} has an IPv6 zone (the part after '%'); a network cannot carry one.";
        }

        if (addressText.StartsWith('[') || addressText.EndsWith(']'))
        {
            return $"{text} is not a CIDR: remove the brackets around the IPv6 address.";
        }

        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return $"{text} is not a CIDR: '{addressText}' is not an IPv6 address; expected a network {Example}.";
        }

        bits = AddressBits.FromAddress(address);
        return null;
    }
}
