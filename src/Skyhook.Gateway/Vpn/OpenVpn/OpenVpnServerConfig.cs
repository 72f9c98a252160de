using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Skyhook.Core.Vpn;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>
/// Renders a gateway's openvpn 2.6 server config. A pure function of validated settings: every value
/// is a number, an address, a checked interface name or a checked path, so the config file cannot
/// gain a directive from its inputs. Logins are the gateway's (management-client-auth), addresses too
/// (server ... nopool); openvpn runs no scripts.
/// </summary>
public static class OpenVpnServerConfig
{
    public const string DataCiphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";

    // sun_path is 108 bytes including the terminating NUL.
    private const int MaxSocketPathBytes = 107;

    /// <summary>Every problem with the settings, or none.</summary>
    public static IReadOnlyList<string> Validate(OpenVpnServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<string>();
        if (settings.DeviceName is not { Length: > 0 and <= 15 } device
            || !device.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || !char.IsAsciiLetter(device[0]))
        {
            errors.Add("DeviceName must be 1 to 15 letters, digits, '-' or '_', starting with a letter");
        }
        if (settings.Port is < 1 or > 65535)
        {
            errors.Add("Port must be 1 to 65535");
        }
        if (settings.LocalAddress is { } local
            && (local.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || (local.AddressFamily == AddressFamily.InterNetworkV6 && local.ScopeId != 0)))
        {
            errors.Add("LocalAddress must be an IPv4 or IPv6 address without scope");
        }
        if (settings.ClientBlock.Family != AddressFamily.InterNetwork || settings.ClientBlock.PrefixLength is < 16 or > 29)
        {
            errors.Add("ClientBlock must be an IPv4 network from /16 to /29");
        }
        CheckPath(errors, nameof(settings.CaCertificatePath), settings.CaCertificatePath);
        CheckPath(errors, nameof(settings.CertificatePath), settings.CertificatePath);
        CheckPath(errors, nameof(settings.PrivateKeyPath), settings.PrivateKeyPath);
        CheckPath(errors, nameof(settings.StatusFilePath), settings.StatusFilePath);
        if (CheckPath(errors, nameof(settings.ManagementSocketPath), settings.ManagementSocketPath)
            && Encoding.UTF8.GetByteCount(settings.ManagementSocketPath) > MaxSocketPathBytes)
        {
            errors.Add($"ManagementSocketPath must be at most {MaxSocketPathBytes} bytes (a unix socket path)");
        }
        if (!WholeSeconds(settings.RenegotiationInterval, 0))
        {
            errors.Add("RenegotiationInterval must be whole seconds, 0 or more");
        }
        if (!WholeSeconds(settings.KeepaliveInterval, 1) || !WholeSeconds(settings.KeepaliveTimeout, 1)
            || settings.KeepaliveTimeout < settings.KeepaliveInterval * 2)
        {
            errors.Add("KeepaliveInterval and KeepaliveTimeout must be whole seconds, the timeout at least twice the interval");
        }
        if (settings.MaxClients is < 1)
        {
            errors.Add("MaxClients must be at least 1");
        }
        return errors;
    }

    /// <exception cref="ArgumentException">The settings are not valid; the message lists every problem.</exception>
    public static string Render(OpenVpnServerSettings settings)
    {
        var errors = Validate(settings);
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid OpenVPN server settings: " + string.Join("; ", errors), nameof(settings));
        }

        var block = settings.ClientBlock;
        var maxClients = settings.MaxClients ?? (int)Math.Min(int.MaxValue, (long)block.AddressCount - 3);
        var udp = settings.Transport == VpnTransport.Udp;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

        text.Append("# Written by skyhook-gateway; it is rewritten on every change, do not edit.\n");
        Line($"dev {settings.DeviceName}");
        text.Append("dev-type tun\n");
        text.Append(udp ? "proto udp\n" : "proto tcp-server\n");
        Line($"port {settings.Port}");
        if (settings.LocalAddress is { } local)
        {
            Line($"local {local}");
        }
        text.Append("topology subnet\n");
        // nopool: every client's address comes from the gateway's ifconfig-push in client-auth.
        Line($"server {block.Network} {ClientConnectConfig.Netmask(block.PrefixLength)} nopool");
        Line($"max-clients {maxClients}");
        text.Append("tls-server\n");
        Line($"ca {settings.CaCertificatePath}");
        Line($"cert {settings.CertificatePath}");
        Line($"key {settings.PrivateKeyPath}");
        // ECDSA certificate: ECDHE key exchange only, no finite-field DH parameters. No ecdh-curve:
        // OpenSSL 3 builds ignore it (openvpn warns) and negotiate from their default groups.
        text.Append("dh none\n");
        text.Append("tls-version-min 1.2\n");
        Line($"data-ciphers {DataCiphers}");
        // Users log in with password and one-time code, decided over the management socket.
        text.Append("verify-client-cert none\n");
        text.Append("username-as-common-name\n");
        // A user may run several devices; whether that is allowed is the controller's decision.
        text.Append("duplicate-cn\n");
        Line($"management {settings.ManagementSocketPath} unix");
        text.Append("management-client-auth\n");
        // openvpn waits for the gateway's "hold release" before it takes connections: a client that
        // connected before the management connection was up would be refused (AUTH_FAILED) and drop
        // its session token, so a gateway restart would cost it a new one-time code.
        text.Append("management-hold\n");
        Line($"keepalive {(int)settings.KeepaliveInterval.TotalSeconds} {(int)settings.KeepaliveTimeout.TotalSeconds}");
        Line($"reneg-sec {(int)settings.RenegotiationInterval.TotalSeconds}");
        text.Append("persist-key\npersist-tun\n");
        if (udp)
        {
            // Tells clients to reconnect at once when the gateway restarts instead of waiting for keepalive.
            text.Append("explicit-exit-notify 1\n");
        }
        Line($"status {settings.StatusFilePath} 10");
        text.Append("status-version 3\n");
        // No up/down, learn-address or auth scripts: the gateway does that work itself.
        text.Append("script-security 1\n");
        text.Append("verb 3\n");
        return text.ToString();
    }

    private static bool CheckPath(List<string> errors, string name, string? path)
    {
        // Config-file words: no spaces, quotes, '#' or ';' that the config lexer would read differently.
        if (path is not { Length: > 1 } || path[0] != '/' || path.Contains("//", StringComparison.Ordinal)
            || !path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or '@' or ':' or ',')
            || path.Split('/').Any(part => part is "." or ".."))
        {
            errors.Add($"{name} must be an absolute path of letters, digits and / . - _ + @ : ,");
            return false;
        }
        return true;
    }

    private static bool WholeSeconds(TimeSpan value, int minimum) =>
        value >= TimeSpan.FromSeconds(minimum) && value.Ticks % TimeSpan.TicksPerSecond == 0 && value <= TimeSpan.FromDays(30);
}
