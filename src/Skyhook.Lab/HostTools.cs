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
        var search = new ToolSearch(path);
        var tools = new HostTools(
            Ip: search.Need("ip", "iproute2"),
            Nsenter: search.Need("nsenter", "util-linux"),
            Dockerd: search.Need("dockerd", "docker.io"),
            Docker: File.Exists(PackagedDockerClient) ? PackagedDockerClient : search.Need("docker", "docker.io"),
            Busybox: search.Need("busybox", "busybox-static"),
            Tar: search.Need("tar", "tar"),
            Nft: search.Need("nft", "nftables"),
            StartStopDaemon: search.Need("start-stop-daemon", "dpkg"),
            Umount: search.Need("umount", "mount"),
            Sysctl: search.Need("sysctl", "procps"),
            Dropbear: search.Need("dropbear", "dropbear-bin"),
            DropbearClient: search.Need("dbclient", "dropbear-bin"),
            DropbearKey: search.Need("dropbearkey", "dropbear-bin"),
            Ldd: search.Need("ldd", "libc-bin"));
        if (search.Missing.Count > 0)
        {
            throw new LabException("missing on this host: " + string.Join(", ", search.Missing));
        }
        return tools;
    }
}
