using Skyhook.Lab.Topology;

namespace Skyhook.Lab;

/// <summary>
/// A desktop's resolver: the DNS hook its openvpn client runs (embedded openvpn-dns.sh, written once
/// per lab) and the /etc/netns/NAMESPACE folder whose resolv.conf `ip netns exec` puts in place.
/// </summary>
internal static class DesktopDns
{
    private const string EtcNetns = "/etc/netns";

    public static async Task<string> EnsureHookAsync(LabLayout layout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.StateDirectory, "openvpn-dns.sh");
        await using (var resource = typeof(DesktopDns).Assembly.GetManifestResourceStream("Skyhook.Lab.Desktops.openvpn-dns.sh")
            ?? throw new InvalidOperationException("the desktop DNS hook is not embedded in Skyhook.Lab"))
        await using (var file = new FileStream(path + ".new", new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
        }))
        {
            await resource.CopyToAsync(file, cancellationToken);
        }
        File.Move(path + ".new", path, overwrite: true);
        return path;
    }

    /// <summary>
    /// Creates /etc/netns/NAMESPACE/resolv.conf without a nameserver (the resolver then asks the
    /// desktop's own loopback, and fails at once) and returns its path: never the host's resolver,
    /// which a full tunnel could otherwise reach through the lab.
    /// </summary>
    public static string EnsureResolverDirectory(string netns)
    {
        var directory = Path.Combine(EtcNetns, netns);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "resolv.conf");
        File.WriteAllText(path, NoTunnel);
        return path;
    }

    /// <summary>The desktop's resolv.conf while no tunnel is up (the hook writes the same at --down).</summary>
    public const string NoTunnel = "# no VPN tunnel: no nameserver\noptions timeout:1 attempts:1\n";

    public static void RemoveResolverDirectory(string netns)
    {
        var directory = Path.Combine(EtcNetns, netns);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
