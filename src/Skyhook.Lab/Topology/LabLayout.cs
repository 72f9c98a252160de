using System.Globalization;
using System.Net;

namespace Skyhook.Lab.Topology;

/// <summary>
/// Every name, path and address a lab uses, derived from its prefix alone so that `up`, `down` and
/// `status` find the same things without remembering them.
/// </summary>
/// <remarks>
/// Inside the lab's own namespace: bridge "br-u" (the landing VPC, 172.31.0.0/16) and bridge "br-i"
/// (the internet, 198.51.100.0/24). Node N sits on the underlay at 172.31.0.(10+N); gateway host N at
/// 172.31.0.(100+N) and 198.51.100.(10+N); desktop N at 198.51.100.(100+N), on the internet only.
/// The host's routing table only gains the /30 of one veth ("PREFIX-lab") into the lab namespace.
/// </remarks>
public sealed class LabLayout(string prefix)
{
    public const string UnderlayBridge = "br-u";
    public const string InternetBridge = "br-i";
    public const string HostLinkInLab = "host";
    public const string OverlayName = "multi-host-overlay";
    public const string OverlaySubnet = "10.0.0.0/16";

    // Swarm's ingress network takes 10.0.0.0/24 by default; moving swarm's pool leaves 10.0.0.0/16
    // free for the seed's overlay (LAB.md).
    public const string SwarmAddressPool = "10.200.0.0/16";
    public const string ImageName = "skyhook-lab/busybox:1";

    public static readonly IPAddress UnderlayGateway = IPAddress.Parse("172.31.0.1");
    public const int UnderlayPrefixLength = 16;
    public static readonly IPAddress InternetGateway = IPAddress.Parse("198.51.100.1");
    public const int InternetPrefixLength = 24;

    public string Prefix { get; } = prefix;

    /// <summary>The namespace holding the two bridges and the host link.</summary>
    public string LabNamespace => $"{Prefix}-lab";

    /// <summary>The veth on the host's side of the host link.</summary>
    public string HostLink => $"{Prefix}-lab";

    public string NodeNamespace(int node) => $"{Prefix}-n{node.ToString(CultureInfo.InvariantCulture)}";
    public string GatewayNamespace(int gateway) => $"{Prefix}-gw{gateway.ToString(CultureInfo.InvariantCulture)}";
    public string DesktopNamespace(int desktop) => $"{Prefix}-d{desktop.ToString(CultureInfo.InvariantCulture)}";

    public static IPAddress NodeAddress(int node) => Underlay(10 + node);
    public static IPAddress GatewayUnderlayAddress(int gateway) => Underlay(100 + gateway);
    public static IPAddress GatewayPublicAddress(int gateway) => Internet(10 + gateway);
    public static IPAddress DesktopAddress(int desktop) => Internet(100 + desktop);

    /// <summary>Persistent state: engines' data roots, logs, the lab file.</summary>
    public string StateDirectory => Path.Combine(StateRoot, Prefix);

    /// <summary>Where every lab keeps its persistent state, one folder per prefix.</summary>
    public const string StateRoot = "/var/lib/skyhook-lab";

    /// <summary>Where every lab keeps its runtime state, one folder per prefix.</summary>
    public const string RunRoot = "/run/skyhook-lab";

    /// <summary>Runtime state: sockets, pid files, exec roots. Kept short: unix sockets allow 108 bytes.</summary>
    public string RunDirectory => Path.Combine(RunRoot, Prefix);

    public string LabFile => Path.Combine(StateDirectory, "lab.json");
    public string ImageArchive => Path.Combine(StateDirectory, "image.tar");

    /// <summary>The lab's ssh key (dropbear format, for dbclient -i): root may log in to web1 and web2 with it.</summary>
    public string SshKey => Path.Combine(StateDirectory, "ssh_key");

    /// <summary>Everything about one dockerd of the lab: namespace, roots, socket, containerd namespace.</summary>
    public EngineLayout Engine(string hostNamespace)
    {
        var shortName = hostNamespace[(Prefix.Length + 1)..];
        return new EngineLayout(
            Namespace: hostNamespace,
            DataRoot: Path.Combine(StateDirectory, shortName),
            ExecRoot: Path.Combine(RunDirectory, shortName),
            Socket: Path.Combine(RunDirectory, shortName + ".sock"),
            PidFile: Path.Combine(RunDirectory, shortName + ".pid"),
            LogFile: Path.Combine(StateDirectory, shortName + ".log"),
            ConfigFile: Path.Combine(StateDirectory, "daemon.json"),
            ContainerdNamespace: hostNamespace,
            CgroupParent: $"skyhook-{hostNamespace}");
    }

    private static IPAddress Underlay(int host) => new([172, 31, 0, (byte)host]);
    private static IPAddress Internet(int host) => new([198, 51, 100, (byte)host]);
}
