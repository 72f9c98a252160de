namespace Skyhook.Lab.Demo;

/// <summary>
/// What `skyhook lab demo` made and shows once: the controller, the credentials (never stored, never
/// logged: only this result carries them), the gateway host, the desktop with its VPN client.
/// </summary>
/// <param name="TunnelUp">openvpn's own line saying the tunnel is up, from the client's log.</param>
public sealed record DemoResult(
    string Prefix,
    string ControllerUrl,
    string ControllerLog,
    DemoAccount Admin,
    DemoAccount User,
    string Group,
    DemoGateway Gateway,
    DemoDesktop Desktop,
    string TunnelUp,
    IReadOnlyList<WorkloadStatus> Targets,
    string SshKey);

/// <summary>A person's sign-in: password and TOTP secret (base32, for an authenticator app).</summary>
public sealed record DemoAccount(string Name, string Password, string TotpSecret);

/// <param name="VpnEndpoint">Where VPN clients connect: the gateway host's public address and port.</param>
public sealed record DemoGateway(string Name, string Namespace, string VpnEndpoint, string Log);

/// <param name="Profile">The user's .ovpn as the controller gave it (less the static-challenge prompt: this client has no terminal).</param>
public sealed record DemoDesktop(string Namespace, string Address, string Profile, string Log);

/// <summary>One command run on the desktop, as a person would type it, and what it printed.</summary>
/// <param name="DeniedBy">For a request the user's profile denies, the rule that does: it must fail.</param>
public sealed record DemoCheck(string Command, int ExitCode, string Output, string? DeniedBy = null)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>An allowed request that succeeded, or a denied one that got nothing.</summary>
    public bool AsExpected => Succeeded == DeniedBy is null;
}
