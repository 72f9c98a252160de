namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// One thing the OpenVPN management interface told us: a client notification (with its ENV block),
/// a command reply, or another real-time message. Produced by <see cref="ManagementParser"/>.
/// </summary>
public abstract record ManagementEvent;
