using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Host;

/// <summary>
/// The gateway's own settings (configuration section "Gateway", environment Gateway__Xxx). What the
/// controller decides (transport, port, pools, users) comes with the desired state, not from here.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Where enrolment writes the credential, key, certificates and controller address, and where the
    /// last good desired state is cached. Default /var/lib/skyhook-gateway. Holds secrets: root only (0700).
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "/var/lib/skyhook-gateway";

    /// <summary>
    /// The controller's URL. Default null: the one <c>skyhook-gateway join</c> stored in the data
    /// directory. Set it to override a stored one (a controller that moved).
    /// </summary>
    public string? ControllerUrl { get; set; }

    /// <summary>
    /// The controller certificate's SHA-256 fingerprint, <c>sha256:HEX</c>. Default null: the stored
    /// one. Every HTTPS call is refused unless the controller shows exactly this certificate.
    /// </summary>
    public string? ControllerFingerprint { get; set; }

    /// <summary>
    /// Allow a plain http:// controller URL whose host is not loopback. Default false: credentials,
    /// login secrets and the desired state would cross the network readable by anyone on the path.
    /// For labs and tests only; http:// to a loopback address is always allowed.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>The Docker engine socket. Default unix:///var/run/docker.sock.</summary>
    [Required]
    public string DockerSocket { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>The OpenVPN TUN interface's name. Default skyvpn0 (the overlay's forwarding rules match skyvpn+).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9_-]{0,14}$")]
    public string VpnInterface { get; set; } = "skyvpn0";

    /// <summary>The openvpn binary. Default openvpn (looked up on PATH).</summary>
    [Required]
    public string OpenVpnPath { get; set; } = "openvpn";

    /// <summary>
    /// The OpenVPN management socket. Default /run/skyhook-gateway/openvpn.sock. Whoever can connect
    /// decides every login: the directory is created root-only. At most 107 bytes (sun_path).
    /// </summary>
    [Required]
    [MaxLength(107)]
    public string ManagementSocket { get; set; } = "/run/skyhook-gateway/openvpn.sock";

    /// <summary>
    /// A network namespace (name under /run/netns) to run openvpn in. Default null: the gateway's
    /// own, which in production is the host's. Labs and tests put the gateway host in a namespace.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    public string? NetworkNamespace { get; set; }

    /// <summary>The address openvpn listens on. Default null: all of the host's addresses.</summary>
    public string? VpnListenAddress { get; set; }

    /// <summary>Seconds between heartbeats to the controller. Default 5.</summary>
    [Range(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a config long poll may take before the gateway gives up on it (the controller answers
    /// 304 well before). Default 120.
    /// </summary>
    [Range(5, 3600)]
    public int LongPollSeconds { get; set; } = 120;

    /// <summary>
    /// Seconds between re-applies of the current desired state even when it did not change, so that
    /// hand edits and lost host state (a removed anchor container, a deleted route) converge again.
    /// Default 30.
    /// </summary>
    [Range(5, 3600)]
    public int ResyncSeconds { get; set; } = 30;

    /// <summary>Longest wait between retries after errors (backoff with jitter). Default 30 s.</summary>
    [Range(1, 3600)]
    public int MaxRetrySeconds { get; set; } = 30;

    /// <summary>
    /// Seconds a login decision may take before the client is refused ("controller unreachable").
    /// Default 30: in a storm of first logins (each one a 600,000-iteration KDF on the controller)
    /// most decisions come late, so a short timeout refuses most of the storm rather than its tail
    /// (docs/BENCHMARKS.md, gateway logins); openvpn's own handshake window is 60 s.
    /// </summary>
    [Range(1, 60)]
    public int AuthTimeoutSeconds { get; set; } = 30;

    /// <summary>TLS renegotiation interval for VPN sessions (each one re-checks the session token). Default 3600 s.</summary>
    [Range(0, 86400)]
    public int RenegotiationSeconds { get; set; } = 3600;
}
