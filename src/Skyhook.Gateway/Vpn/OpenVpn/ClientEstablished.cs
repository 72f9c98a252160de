namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary><c>&gt;CLIENT:ESTABLISHED,{CID}</c> and its ENV block: the session is up (after a client-auth).</summary>
public sealed record ClientEstablished(ulong ClientId, ClientEnvironment Environment) : ManagementEvent;
