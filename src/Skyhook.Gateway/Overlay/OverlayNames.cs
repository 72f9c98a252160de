using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Skyhook.Gateway.Overlay;

/// <summary>
/// Every name the overlay reconciler gives a thing on the host, derived from the overlay's name alone
/// so that a restarted gateway finds the same things again by looking.
/// </summary>
public static partial class OverlayNames
{
    /// <summary>The anchor container's label; its value is the overlay's name.</summary>
    public const string AnchorLabel = "skyhook.anchor";

    /// <summary>The anchor's end of the veth, inside the anchor's namespace.</summary>
    public const string AnchorInterface = "skyhook0";

    /// <summary>The nftables table of our own inside the anchor's namespace.</summary>
    public const string AnchorTable = "skyhook_anchor";

    /// <summary>Marks what belongs to one overlay: the host veth's alias and the DOCKER-USER rules' comment.</summary>
    public const string TagPrefix = "skyhook:overlay=";

    /// <summary>What every host end of an overlay veth starts with.</summary>
    public const string HostInterfacePrefix = "skyo";

    /// <summary>An iptables interface pattern (a name, or a prefix ending in "+") that is also safe in an nftables string.</summary>
    public static bool IsInterfacePattern(string pattern) => InterfacePattern().IsMatch(pattern);

    public static string AnchorContainer(string network) => "skyhook-anchor-" + network;

    /// <summary>
    /// The host end of the veth: "skyo" + 8 hex digits of the name's SHA-256, because a network name
    /// may be far longer than Linux's 15 characters for an interface.
    /// </summary>
    public static string HostInterface(string network) =>
        HostInterfacePrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(network)))[..8];

    public static string Tag(string network) => TagPrefix + network;

    /// <summary>Where in the link block this overlay's /30 is looked for first.</summary>
    public static int PreferredSlot(string network, int slots) =>
        (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(network)), 0) % (uint)slots);

    /// <summary>Docker's rule for network names; it also keeps names safe in an iptables comment and an interface alias.</summary>
    public static bool IsValidNetworkName(string name) => name.Length <= 64 && NetworkNamePattern().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,13}[+]?$")]
    private static partial Regex InterfacePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex NetworkNamePattern();
}
