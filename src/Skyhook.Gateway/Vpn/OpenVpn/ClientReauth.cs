namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// <c>&gt;CLIENT:REAUTH,{CID},{KID}</c> and its ENV block: a connected client renegotiates its TLS
/// key (every reneg-sec). With a pushed auth-token its password is that token.
/// </summary>
public sealed record ClientReauth(ulong ClientId, ulong KeyId, ClientEnvironment Environment)
    : ClientAuthentication(ClientId, KeyId, Environment);
