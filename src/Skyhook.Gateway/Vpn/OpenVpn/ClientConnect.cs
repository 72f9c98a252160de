namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary><c>&gt;CLIENT:CONNECT,{CID},{KID}</c> and its ENV block: a new client asks to log in.</summary>
public sealed record ClientConnect(ulong ClientId, ulong KeyId, ClientEnvironment Environment)
    : ClientAuthentication(ClientId, KeyId, Environment);
