using System.Globalization;

namespace Skyhook.Linux;

/// <summary>
/// Runs commands inside another network namespace with `nsenter --net=PATH`. Only the network
/// namespace changes: `ip netns exec` would also remount /sys, which breaks programs (dockerd) that
/// need the host's view of it (LAB.md).
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where `ip netns add NAME` keeps the namespace named <paramref name="name"/>.</summary>
    public static string PathOf(string name) =>
        name.Contains('/') ? name : "/run/netns/" + name;

    /// <summary>The network namespace of process <paramref name="pid"/> (as seen from this PID namespace).</summary>
    public static string OfProcess(long pid) =>
        string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/ns/net");

    /// <summary>
    /// The same command, run inside the network namespace at <paramref name="namespacePath"/> (a path
    /// such as /run/netns/NAME or /proc/PID/ns/net, or a name under /run/netns); unchanged when null
    /// or empty (this process's own namespace). Timeout, input, secrets and the exit code check carry over.
    /// </summary>
    public static ProcessSpec InNetworkNamespace(this ProcessSpec spec, string? namespacePath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrEmpty(namespacePath))
        {
            return spec;
        }
        return spec with { FileName = "nsenter", Arguments = ["--net=" + PathOf(namespacePath), "--", spec.FileName, .. spec.Arguments] };
    }
}
