using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Skyhook.Linux;

/// <summary>
/// Runs commands inside another network namespace with `nsenter --net=PATH`. Only the network
/// namespace changes: `ip netns exec` would also remount /sys, which breaks programs (dockerd) that
/// need the host's view of it (LAB.md).
/// </summary>
public static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

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

    /// <summary>
    /// A socket that lives in the network namespace at <paramref name="namespacePath"/> (as in
    /// <see cref="InNetworkNamespace"/>; this process's own when null or empty). A socket belongs to
    /// the namespace of the thread that created it, for its whole life: a short-lived thread of our
    /// own enters the namespace, creates the socket and ends, so no thread of the pool ever changes
    /// namespace. Binding and sending then work from any thread.
    /// </summary>
    /// <exception cref="IOException">The namespace cannot be opened or entered.</exception>
    public static Socket CreateSocket(string? namespacePath, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        if (string.IsNullOrEmpty(namespacePath))
        {
            return new Socket(family, type, protocol);
        }
        var path = PathOf(namespacePath);
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
                if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    failure = new IOException($"cannot enter the network namespace {path}: errno {Marshal.GetLastPInvokeError()}");
                    return;
                }
                socket = new Socket(family, type, protocol);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
            {
                failure = new IOException($"cannot open a socket in the network namespace {path}: {ex.Message}", ex);
            }
        })
        {
            IsBackground = true,
            Name = "netns socket",
        };
        thread.Start();
        thread.Join();
        return socket ?? throw failure ?? new IOException($"no socket was made in {path}");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int namespaceType);
}
