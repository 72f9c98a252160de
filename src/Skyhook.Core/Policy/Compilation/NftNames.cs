using System.Security.Cryptography;
using System.Text;

namespace Skyhook.Core.Policy.Compilation;

/// <summary>
/// The names of everything in the skyhook table. Profile names are validated elsewhere, but a chain
/// name is an nftables identifier and a set name follows it, so neither is taken from admin input as
/// it is: <c>p_</c>, 8 hex digits of the name's SHA-256 (distinct names stay distinct after
/// sanitizing), then the name with anything but ASCII letters, digits and <c>_</c> turned into
/// <c>_</c>, cut to <see cref="MaxReadablePart"/> characters so that people can still read it.
/// </summary>
public static class NftNames
{
    public const string Family = "inet";
    public const string Table = "skyhook";

    /// <summary>The base chain hooked at forward.</summary>
    public const string ForwardChain = "forward";

    /// <summary>Everything forwarded from a VPN interface goes through this chain.</summary>
    public const string FromVpnChain = "from_vpn";

    /// <summary>Everything forwarded to a VPN interface goes through this chain: replies only.</summary>
    public const string ToVpnChain = "to_vpn";

    /// <summary>The base chain hooked at input: what VPN clients send to the gateway itself.</summary>
    public const string InputChain = "input";

    /// <summary>What a VPN client sends to the gateway's own addresses goes through this chain.</summary>
    public const string ToGatewayChain = "to_gateway";

    /// <summary>Where a profile's drops go: the first packet of a denied connection is logged to
    /// <see cref="NftLogGroups.Denied"/> (rate-limited), then dropped.</summary>
    public const string DeniedChain = "denied";

    public const string Sessions4 = "sessions4";
    public const string Sessions6 = "sessions6";

    public const int MaxReadablePart = 24;

    public static string ProfileChain(string profileName)
    {
        ArgumentNullException.ThrowIfNull(profileName);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(profileName)))[..8];
        var readable = new StringBuilder(MaxReadablePart);
        foreach (var c in profileName.Take(MaxReadablePart))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return $"p_{hash}_{readable}";
    }

    /// <summary>The set of address . protocol . port elements for tcp and udp.</summary>
    public static string PortsSet(string chain, bool ipv6) => chain + (ipv6 ? "_ports6" : "_ports4");

    /// <summary>The set of address . protocol elements for every protocol without ports.</summary>
    public static string ProtocolsSet(string chain, bool ipv6) => chain + (ipv6 ? "_proto6" : "_proto4");
}
