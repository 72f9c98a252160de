using Skyhook.Core.Vpn;

namespace Skyhook.Core.Groups;

/// <summary>
/// The words a group's settings use in the API, in storage and in the desired state: "udp"/"tcp" and
/// "split"/"full", lower case only. Controller and gateway both read them here.
/// </summary>
public static class GroupText
{
    public static string ToText(this VpnTransport transport) => transport == VpnTransport.Tcp ? "tcp" : "udp";

    public static string ToText(this TunnelMode mode) => mode == TunnelMode.Full ? "full" : "split";

    public static bool TryParseTransport(string? text, out VpnTransport transport)
    {
        transport = text == "tcp" ? VpnTransport.Tcp : VpnTransport.Udp;
        return text is "udp" or "tcp";
    }

    public static bool TryParseTunnelMode(string? text, out TunnelMode mode)
    {
        mode = text == "full" ? TunnelMode.Full : TunnelMode.Split;
        return text is "split" or "full";
    }
}
