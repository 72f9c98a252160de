using System.Net;
using Skyhook.Core.Addressing;
using Skyhook.Core.Vpn;

namespace Skyhook.Gateway.Vpn.OpenVpn;

/// <summary>What a gateway's openvpn server config is made of. <see cref="OpenVpnServerConfig.Validate"/> checks it.</summary>
public sealed record OpenVpnServerSettings
{
    /// <summary>The TUN interface's name (1 to 15 letters, digits, '-' or '_'), e.g. skyhook-ovpn.</summary>
    public required string DeviceName { get; init; }

    /// <summary>UDP (default) or TCP, as the gateway group says.</summary>
    public VpnTransport Transport { get; init; } = VpnTransport.Udp;

    /// <summary>Listening port. Default 1194.</summary>
    public int Port { get; init; } = 1194;

    /// <summary>The address to listen on; null listens on all of the host's addresses.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>
    /// This gateway's IPv4 client block (topology subnet). The server takes its first host address;
    /// clients get theirs from the gateway in client-auth (the config has no pool of its own).
    /// </summary>
    public required Cidr ClientBlock { get; init; }

    /// <summary>Absolute path of the CA certificate (PEM) that signed the server certificate.</summary>
    public required string CaCertificatePath { get; init; }

    /// <summary>Absolute path of the server certificate (PEM, ECDSA).</summary>
    public required string CertificatePath { get; init; }

    /// <summary>Absolute path of the server's private key (PEM). Keep it mode 0600.</summary>
    public required string PrivateKeyPath { get; init; }

    /// <summary>
    /// Absolute path of the management unix socket. Under 108 bytes (sun_path); the directory must
    /// be root-only: whoever can connect decides every login.
    /// </summary>
    public required string ManagementSocketPath { get; init; }

    /// <summary>Absolute path of the status file openvpn rewrites every 10 s.</summary>
    public required string StatusFilePath { get; init; }

    /// <summary>
    /// TLS renegotiation interval (reneg-sec); each renegotiation is a REAUTH decided with the
    /// session token. Default 1 h; 0 disables renegotiation.
    /// </summary>
    public TimeSpan RenegotiationInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Keepalive ping interval pushed to clients. Default 10 s.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Silence after which a session is dropped (server side: twice this). Default 60 s.</summary>
    public TimeSpan KeepaliveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most simultaneous sessions. Default: the client block's size less network, server and broadcast.</summary>
    public int? MaxClients { get; init; }
}
