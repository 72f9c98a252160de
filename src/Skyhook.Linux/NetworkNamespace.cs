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
    private const int NetlinkFamily = 16;
    private const int RawSocket = 3;
    private const int CloseOnExec = 0x80000;

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
    public static Socket CreateSocket(string? namespacePath, AddressFamily family, SocketType type, ProtocolType protocol) =>
        Run(namespacePath, () => new Socket(family, type, protocol));

    /// <summary>
    /// A raw netlink socket of <paramref name="protocol"/> (such as NETLINK_NETFILTER, 12) in the
    /// namespace at <paramref name="namespacePath"/>, as in <see cref="CreateSocket"/>. .NET cannot
    /// make one itself ("address family not supported"): socket(2) makes it and a
    /// <see cref="SafeSocketHandle"/> wraps it, after which sending and receiving work as usual.
    /// </summary>
    /// <exception cref="IOException">The namespace cannot be entered or the socket cannot be made.</exception>
    public static Socket CreateNetlinkSocket(string? namespacePath, int protocol) =>
        Run(namespacePath, () =>
        {
            var fd = SocketCall(NetlinkFamily, RawSocket | CloseOnExec, protocol);
            return fd >= 0
                ? new Socket(new SafeSocketHandle(fd, ownsHandle: true))
                : throw new IOException(string.Create(CultureInfo.InvariantCulture, $"cannot make a netlink socket (protocol {protocol}): errno {Marshal.GetLastPInvokeError()}"));
        });

    /// <summary>
    /// Runs <paramref name="create"/> on a short-lived thread of our own inside the network namespace
    /// at <paramref name="namespacePath"/> (on the calling thread when null or empty), for what must be
    /// made there: sockets, including those .NET cannot make itself (netlink), which then belong to
    /// that namespace for their whole life.
    /// </summary>
    /// <exception cref="IOException">The namespace cannot be opened or entered, or <paramref name="create"/>
    /// failed with an I/O, access or socket error.</exception>
    public static T Run<T>(string? namespacePath, Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        if (string.IsNullOrEmpty(namespacePath))
        {
            return create();
        }
        var path = PathOf(namespacePath);
        T? made = null;
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
                made = create();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
            {
                failure = new IOException($"cannot make a socket in the network namespace {path}: {ex.Message}", ex);
            }
        })
        {
            IsBackground = true,
            Name = "netns socket",
        };
        thread.Start();
        thread.Join();
        return made ?? throw failure ?? new IOException($"nothing was made in {path}");
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial nint SocketCall(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int namespaceType);
}
