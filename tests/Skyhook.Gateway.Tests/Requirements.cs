using Skyhook.Linux;

namespace Skyhook.Gateway.Tests;

/// <summary>
/// What the integration tests need from the host. On a developer box without it they skip; under
/// CI (CI is set) a missing requirement fails them, so that a skip can never hide a broken CI.
/// </summary>
internal static class Requirements
{
    public static bool OnCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Null when real openvpn can run in network namespaces here; otherwise why not.</summary>
    public static string? WhyNoOpenVpn()
    {
        if (!Posix.IsRoot)
        {
            return "the openvpn integration tests need root (network namespaces, TUN devices)";
        }
        foreach (var tool in new[] { "openvpn", "ip", "nsenter", "ping" })
        {
            if (ExecutableSearch.Find(tool) is null)
            {
                return $"{tool} is not installed (apt-get install openvpn iproute2 util-linux iputils-ping)";
            }
        }
        return File.Exists("/dev/net/tun") ? null : "/dev/net/tun is missing";
    }

    public static void RequireOpenVpn() => Require(WhyNoOpenVpn(), "CI must run the openvpn integration tests: ");

    /// <summary>Null when nft can check a ruleset here (root for netlink, the nftables package); otherwise why not.</summary>
    public static string? WhyNoNft()
    {
        if (!Posix.IsRoot)
        {
            return "nft --check needs root (it talks netlink to the kernel)";
        }
        return ExecutableSearch.Find("nft") is null ? "nft is not installed (apt-get install nftables)" : null;
    }

    public static void RequireNft() => Require(WhyNoNft(), "CI must run the nftables tests: ");

    /// <summary>
    /// Null when conntrack entries can be listed and deleted in network namespaces here, with real
    /// traffic through them (root, conntrack, nft, ip, nsenter, busybox's nc); otherwise why not.
    /// </summary>
    public static string? WhyNoConntrack()
    {
        if (!Posix.IsRoot)
        {
            return "the conntrack tests need root (network namespaces, nftables, the conntrack table)";
        }
        foreach (var (tool, package) in new[] { ("conntrack", "conntrack"), ("nft", "nftables"), ("ip", "iproute2"), ("nsenter", "util-linux"), ("busybox", "busybox-static") })
        {
            if (ExecutableSearch.Find(tool) is null)
            {
                return $"{tool} is not installed (apt-get install {package})";
            }
        }
        return null;
    }

    public static void RequireConntrack() => Require(WhyNoConntrack(), "CI must run the conntrack tests: ");

    /// <summary>Null when the DNS tests can run: dig (dnsutils) to ask, dnsmasq (dnsmasq-base) as the upstream nameserver.</summary>
    public static string? WhyNoDnsTools()
    {
        foreach (var (tool, package) in new[] { ("dig", "dnsutils"), ("dnsmasq", "dnsmasq-base") })
        {
            if (ExecutableSearch.Find(tool) is null)
            {
                return $"{tool} is not installed (apt-get install {package})";
            }
        }
        return null;
    }

    public static void RequireDnsTools() => Require(WhyNoDnsTools(), "CI must run the DNS tests: ");

    /// <summary>Null when tests can make network namespaces of their own here (root, ip).</summary>
    public static string? WhyNoNamespaces() =>
        !Posix.IsRoot ? "network namespaces need root"
        : ExecutableSearch.Find("ip") is null ? "ip is not installed (apt-get install iproute2)"
        : null;

    public static void RequireNamespaces() => Require(WhyNoNamespaces(), "CI must run the network namespace tests: ");

    /// <summary>
    /// Null when the HA tests can run: haproxy (the load balancer in front of the gateways and the
    /// controller replicas), psql to make their database, and a PostgreSQL server named by
    /// SKYHOOK_TEST_POSTGRES (./test.sh starts one); otherwise why not.
    /// </summary>
    public static string? WhyNoHa()
    {
        foreach (var (tool, package) in new[] { ("haproxy", "haproxy"), ("psql", "postgresql-client") })
        {
            if (ExecutableSearch.Find(tool) is null)
            {
                return $"{tool} is not installed (apt-get install {package})";
            }
        }
        return string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("SKYHOOK_TEST_POSTGRES"))
            ? "SKYHOOK_TEST_POSTGRES is not set; it names the PostgreSQL server the controller replicas share (scripts/postgres.sh)"
            : null;
    }

    public static void RequireHa() => Require(WhyNoHa(), "CI must run the HA tests: ");

    /// <summary>Skips on a developer box; fails under CI, where a skip could hide a broken test.</summary>
    private static void Require(string? reason, string onCi)
    {
        if (reason is not null)
        {
            if (OnCi)
            {
                Assert.Fail(onCi + reason);
            }
            Assert.Skip(reason);
        }
    }
}
