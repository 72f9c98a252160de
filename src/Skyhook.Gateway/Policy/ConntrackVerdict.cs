namespace Skyhook.Gateway.Policy;

/// <summary>What <see cref="ConntrackPolicy"/> says of one tracked connection.</summary>
public enum ConntrackVerdict
{
    /// <summary>Not opened from a VPN client address: not the gateway's to judge.</summary>
    NotOurs,

    /// <summary>The table now applied would let this connection open; it stays.</summary>
    Allowed,

    /// <summary>The table would drop its first packet now (the profile, or the gateway's own rules); it is cut.</summary>
    Denied,

    /// <summary>No session holds the client address any more; every connection of it is cut.</summary>
    SessionEnded,
}
