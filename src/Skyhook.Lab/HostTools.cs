using Skyhook.Linux;

namespace Skyhook.Lab;

/// <summary>The host programs the lab drives, found once before anything is created.</summary>
public sealed record HostTools(
    string Ip,
    string Nsenter,
    string Dockerd,
    string Docker,
    string Busybox,
    string Tar,
    string Nft,
    string StartStopDaemon,
    string Umount,
    string Sysctl,
    string Dropbear,
    string DropbearClient,
    string DropbearKey,
    string Ldd)
{
    // Debian's docker.io ships the client that matches its engine; a newer client elsewhere on PATH
    // may ask for an API version this engine does not speak.
    private const string PackagedDockerClient = "/usr/bin/docker";

    /// <summary>Finds every tool on <paramref name="path"/>; one message lists all that are missing.</summary>
    public static HostTools Find(string? path = null)
    {
        var missing = new List<string>();
        string Need(string name, string package)
        {
            var found = ExecutableSearch.Find(name, path);
            if (found is null)
            {
                missing.Add($"{name} (apt-get install {package})");
            }
            return found ?? name;
        }

        var tools = new HostTools(
            Ip: Need("ip", "iproute2"),
            Nsenter: Need("nsenter", "util-linux"),
            Dockerd: Need("dockerd", "docker.io"),
            Docker: File.Exists(PackagedDockerClient) ? PackagedDockerClient : Need("docker", "docker.io"),
            Busybox: Need("busybox", "busybox-static"),
            Tar: Need("tar", "tar"),
            Nft: Need("nft", "nftables"),
            StartStopDaemon: Need("start-stop-daemon", "dpkg"),
            Umount: Need("umount", "mount"),
            Sysctl: Need("sysctl", "procps"),
            Dropbear: Need("dropbear", "dropbear-bin"),
            DropbearClient: Need("dbclient", "dropbear-bin"),
            DropbearKey: Need("dropbearkey", "dropbear-bin"),
            Ldd: Need("ldd", "libc-bin"));
        if (missing.Count > 0)
        {
            throw new LabException("missing on this host: " + string.Join(", ", missing));
        }
        return tools;
    }
}
