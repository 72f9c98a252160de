using System.Globalization;
using System.Text;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// The commands the gateway sends (management-notes.txt, "COMMAND -- client-auth" and the rest).
/// There is deliberately no way to send raw text: ids are numbers, free text is quoted by
/// <see cref="ManagementQuoting"/>, and client-connect lines come from <see cref="ClientConnectConfig"/>.
/// </summary>
public static class ManagementCommands
{
    /// <summary><c>client-auth CID KID</c>, the config lines, <c>END</c>: admit the client with this configuration.</summary>
    public static ManagementCommand ClientAuth(ulong clientId, ulong keyId, ClientConnectConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var head = string.Create(CultureInfo.InvariantCulture, $"client-auth {clientId} {keyId}\n");
        var text = new StringBuilder(head);
        var description = new StringBuilder(head);
        foreach (var line in config.Lines)
        {
            text.Append(line.Text).Append('\n');
            description.Append(line.Description).Append('\n');
        }
        text.Append("END\n");
        description.Append("END");
        return new ManagementCommand(text.ToString(), description.ToString());
    }

    /// <summary><c>client-auth-nt CID KID</c>: admit the client with no extra configuration.</summary>
    public static ManagementCommand ClientAuthNt(ulong clientId, ulong keyId) =>
        Single(string.Create(CultureInfo.InvariantCulture, $"client-auth-nt {clientId} {keyId}"));

    /// <summary>
    /// <c>client-deny CID KID "reason" ["client reason"]</c>: refuse the login. The reason goes to
    /// the server log, the client reason to the client's AUTH_FAILED message. Both are quoted and
    /// cleaned: they may contain whatever a user typed.
    /// </summary>
    public static ManagementCommand ClientDeny(ulong clientId, ulong keyId, string reason, string? clientReason = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var line = string.Create(CultureInfo.InvariantCulture, $"client-deny {clientId} {keyId} {ManagementQuoting.Quote(reason)}");
        if (clientReason is not null)
        {
            line += " " + ManagementQuoting.Quote(clientReason);
        }
        return Single(line);
    }

    /// <summary><c>client-kill CID</c>: end the session now (the client is told to restart; it may log in again).</summary>
    public static ManagementCommand ClientKill(ulong clientId) =>
        Single(string.Create(CultureInfo.InvariantCulture, $"client-kill {clientId}"));

    /// <summary>
    /// <c>client-kill CID HALT</c>: end the session and tell the client to stop rather than
    /// reconnect (OpenVPN 2.5+, the optional message of client-kill).
    /// </summary>
    public static ManagementCommand ClientHalt(ulong clientId) =>
        Single(string.Create(CultureInfo.InvariantCulture, $"client-kill {clientId} HALT"));

    /// <summary>
    /// <c>kill IP:PORT</c>: end the session coming from that real address at once. client-kill lets
    /// the instance (and its data channel) live on for scheduled-exit-interval (5 s) so the client can
    /// read its message; this does not. openvpn kills by IPv4 address only.
    /// </summary>
    public static ManagementCommand KillAddress(System.Net.IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException("openvpn's kill by address takes an IPv4 address", nameof(endpoint));
        }
        return Single(string.Create(CultureInfo.InvariantCulture, $"kill {endpoint.Address}:{endpoint.Port}"));
    }

    /// <summary>
    /// <c>status 3</c>: the server's client list, routing table and global stats as tab-separated
    /// lines closed by <c>END</c> (management-notes.txt, "COMMAND -- status"); read by <see cref="OpenVpnStatus"/>.
    /// </summary>
    public static ManagementCommand Status() => new("status 3\n", "status 3", replyHasLines: true);

    /// <summary><c>hold release</c>: lets an openvpn started with <c>management-hold</c> begin taking connections.</summary>
    public static ManagementCommand HoldRelease() => Single("hold release");

    private static ManagementCommand Single(string line) => new(line + "\n", line);
}
