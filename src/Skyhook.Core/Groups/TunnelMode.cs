namespace Skyhook.Core.Groups;

/// <summary>Split: only the overlays and additional CIDRs go through the VPN. Full: everything, NATed out by the gateway.</summary>
public enum TunnelMode
{
    Split,
    Full,
}
