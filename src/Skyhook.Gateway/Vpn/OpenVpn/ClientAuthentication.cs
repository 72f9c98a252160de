namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// A key negotiation that waits for our decision: answer it with <c>client-auth</c>,
/// <c>client-auth-nt</c> or <c>client-deny</c> for the same client and key id.
/// </summary>
public abstract record ClientAuthentication(ulong ClientId, ulong KeyId, ClientEnvironment Environment) : ManagementEvent;
