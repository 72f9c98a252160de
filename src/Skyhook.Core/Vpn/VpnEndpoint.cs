using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Skyhook.Core.Vpn;

/// <summary>Where a client connects: a gateway's public host name or address and port.</summary>
public sealed record VpnEndpoint
{
    public VpnEndpoint(string host, int port)
    {
        if (!IsValidHost(host))
        {
            throw new ArgumentException($"'{host}' is not a host name or IP address", nameof(host));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Host = host;
        Port = port;
    }

    public string Host { get; }
    public int Port { get; }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads <c>host</c>, <c>host:port</c>, <c>[v6]:port</c> or a bare IPv6 address; without a port,
    /// <paramref name="defaultPort"/>. On failure, <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryParse(string text, int defaultPort, [NotNullWhen(true)] out VpnEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        var host = text;
        var portText = (string?)null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !text[1..close].Contains(':') || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                error = "Write an IPv6 address with a port as [address]:port.";
                return false;
            }
            host = text[1..close];
            portText = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            (host, portText) = (text[..colon], text[(colon + 1)..]);
        }

        if (!IsValidHost(host))
        {
            error = $"'{host}' is not a host name or IP address.";
            return false;
        }
        var port = defaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"'{portText}' is not a port (1-65535).";
            return false;
        }
        endpoint = new VpnEndpoint(host, port);
        error = null;
        return true;
    }

    /// <summary>An IP address, or a DNS name of letters, digits and hyphens (RFC 1123 labels).</summary>
    public static bool IsValidHost(string? host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > 253)
        {
            return false;
        }
        if (host.Contains(':'))
        {
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }
        return host.Split('.').All(label =>
            label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');
    }
}
