using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// The gateway's DNS service for VPN clients (section "Dns"). It listens on the gateway's own tunnel
/// address, which is pushed to every client as its nameserver.
/// </summary>
public sealed class DnsOptions
{
    public const string SectionName = "Dns";

    /// <summary>Default true. Off: no DNS service, and clients are given no nameserver by this gateway.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>UDP and TCP port. Default 53 (clients only know how to reach that one).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 53;

    /// <summary>
    /// TTL of container names, in seconds. Default 1: a container that moves to another address is
    /// found there within a second even by clients that cache (browsers cache longer anyway).
    /// </summary>
    [Range(0, 3600)]
    public int ContainerTtlSeconds { get; set; } = 1;

    /// <summary>
    /// How long a forwarded name may take across all upstream servers before the client gets
    /// SERVFAIL. Default 2000 ms: well inside a stub resolver's own 5 s timeout, so the client hears a
    /// failure instead of retrying into silence.
    /// </summary>
    [Range(100, 10000)]
    public int UpstreamTimeoutMilliseconds { get; set; } = 2000;

    /// <summary>Forwarded answers kept (each for its TTL, at most a day). Default 10,000.</summary>
    [Range(0, 1_000_000)]
    public int CacheEntries { get; set; } = 10_000;

    /// <summary>DNS-over-TCP connections served at once; more are closed at once. Default 64.</summary>
    [Range(1, 10_000)]
    public int MaxTcpConnections { get; set; } = 64;
}
