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
