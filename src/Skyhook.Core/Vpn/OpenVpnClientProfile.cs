using System.Globalization;
using System.Text;
using Skyhook.Core.Identity;

namespace Skyhook.Core.Vpn;

/// <summary>
/// Renders a user's `.ovpn` file: every gateway of the group as a `remote` line, the CA inline, and a
/// static-challenge prompt so stock clients (OpenVPN Connect, Tunnelblick, the openvpn CLI) ask for
/// the one-time code beside the password. No client certificate: users authenticate with password
/// and code, gateways with the certificate the controller's CA signed.
/// </summary>
public static class OpenVpnClientProfile
{
    public const string CodePrompt = "One-time code";

    public static string Render(UserName user, string groupName, VpnTransport transport, IReadOnlyList<VpnEndpoint> remotes, string caCertificatePem)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (remotes.Count == 0)
        {
            throw new ArgumentException("a profile needs at least one gateway to connect to", nameof(remotes));
        }
        if (!caCertificatePem.StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) || caCertificatePem.Contains("</ca>", StringComparison.Ordinal))
        {
            throw new ArgumentException("the CA certificate is not PEM", nameof(caCertificatePem));
        }
        if (groupName.Any(c => char.IsControl(c)))
        {
            throw new ArgumentException("the group name has control characters", nameof(groupName));
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Skyhook VPN profile for {user.Value}, gateway group {groupName}.\n");
        text.Append("# Connect with OpenVPN Connect, Tunnelblick or `openvpn --config FILE`; it asks for\n");
        text.Append("# your password and your one-time code.\n");
        text.Append("client\ndev tun\n");
        text.Append(transport == VpnTransport.Tcp ? "proto tcp-client\n" : "proto udp\n");
        foreach (var remote in remotes)
        {
            text.Append(CultureInfo.InvariantCulture, $"remote {remote.Host} {remote.Port}\n");
        }
        if (remotes.Count > 1)
        {
            // Spreads users over the gateways; a client that loses one moves on to the next.
            text.Append("remote-random\n");
        }
        text.Append("resolv-retry infinite\nnobind\npersist-key\npersist-tun\n");
        if (transport == VpnTransport.Udp)
        {
            // A client that disconnects says so: its session ends on the gateway at once, not after the keepalive timeout.
            text.Append("explicit-exit-notify 1\n");
        }
        text.Append("remote-cert-tls server\n");
        text.Append("data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n");
        text.Append("auth-user-pass\nauth-nocache\n");
        text.Append(CultureInfo.InvariantCulture, $"static-challenge \"{CodePrompt}\" 1\n");
        text.Append("verb 3\n");
        text.Append("<ca>\n").Append(caCertificatePem.Trim()).Append("\n</ca>\n");
        return text.ToString();
    }
}
