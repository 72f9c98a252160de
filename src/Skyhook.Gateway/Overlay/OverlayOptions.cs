using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Overlay;

/// <summary>How the gateway attaches to overlay networks (configuration section "Overlay").</summary>
public sealed class OverlayOptions
{
    public const string SectionName = "Overlay";

    /// <summary>
    /// The Docker engine to drive. Default unix:///var/run/docker.sock. Whoever can reach this socket
    /// is root on the host: it must stay a local socket.
    /// </summary>
    [Required]
    public string DockerEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>
    /// The anchor container's image: anything with a `sleep` that understands "infinity". Default
    /// busybox:stable (pulled when missing); the lab uses its own skyhook-lab/busybox:1.
    /// </summary>
    [Required]
    public string AnchorImage { get; set; } = "busybox:stable";

    /// <summary>
    /// The network namespace host commands (ip, iptables) run in: a path such as /run/netns/NAME or a
    /// name under /run/netns. Default null: the gateway's own namespace, which in production is the
    /// host's. The lab sets it to the gateway host's namespace.
    /// </summary>
    public string? HostNetworkNamespace { get; set; }

    /// <summary>
    /// The VPN interfaces whose traffic may be forwarded into the overlays, as iptables interface
    /// patterns ("+" is a wildcard). Default skyvpn+. Which user may reach what is decided by the
    /// policy table, not here: these accepts only get past dockerd's FORWARD drop.
    /// </summary>
    [MinLength(1)]
    public List<string> VpnInterfaces { get; set; } = ["skyvpn+"];

    /// <summary>
    /// The link-local block the host-to-anchor /30s come from, one /30 per overlay. Default
    /// 169.254.100.0/22: inside 169.254.0.0/16, which the controller never lets an admin use, and away
    /// from the clouds' metadata addresses (169.254.169.254, 169.254.170.2).
    /// </summary>
    [Required]
    public string LinkBlock { get; set; } = "169.254.100.0/22";

    /// <summary>
    /// Where the gateway notes that it joined the swarm itself (so that disabling the last overlay
    /// leaves it again, and never leaves a swarm an admin joined by hand). Default /var/lib/skyhook-gateway/overlay.
    /// </summary>
    [Required]
    public string StateDirectory { get; set; } = "/var/lib/skyhook-gateway/overlay";

    /// <summary>The address other swarm nodes reach this one at, when joining. Default null: Docker's choice, which fails on a host with several addresses.</summary>
    public string? SwarmAdvertiseAddress { get; set; }

    /// <summary>The swarm listen address when joining. Default 0.0.0.0:2377.</summary>
    [Required]
    public string SwarmListenAddress { get; set; } = "0.0.0.0:2377";
}
