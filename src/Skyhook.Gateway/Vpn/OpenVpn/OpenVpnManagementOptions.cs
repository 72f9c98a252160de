using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>How the gateway talks to its openvpn child's management socket.</summary>
public sealed class OpenVpnManagementOptions
{
    /// <summary>
    /// How long a command waits for its SUCCESS/ERROR before the caller gets a TimeoutException.
    /// Default 10 s. The next command still waits for that reply (replies carry no id).
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Events buffered for the consumer before the reader stops reading the socket. Default 1024.
    /// A consumer that awaits command replies inline must keep up, or reading (and so the reply)
    /// waits for it.
    /// </summary>
    [Range(16, 1_000_000)]
    public int EventCapacity { get; init; } = 1024;

    /// <summary>Parser bounds (line length, ENV block size).</summary>
    public ManagementLimits Limits { get; init; } = new();
}
