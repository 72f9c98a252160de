using System.Net.Sockets;
using Skyhook.Linux;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// A netlink socket bound to one nfnetlink_log group, made in the gateway's network namespace (the
/// table's log statements log there). .NET cannot make a netlink socket itself ("address family not
/// supported"): <see cref="NetworkNamespace.CreateNetlinkSocket"/> makes it with socket(2). Binding needs CAP_NET_ADMIN, and a group
/// has one reader per namespace: a second gets EBUSY.
/// </summary>
public sealed class NflogSocket : IDisposable
{
    /// <summary>Bytes per receive: several batched packets of the largest snaplen.</summary>
    public const int ReceiveSize = 256 * 1024;

    private const int SocketLevel = 1;
    private const int ReceiveBufferForce = 33;
    private const int ReceiveBufferBytes = 8 << 20;

    private readonly Socket _socket;

    private NflogSocket(Socket socket, int group)
    {
        _socket = socket;
        Group = group;
    }

    public int Group { get; }

    /// <exception cref="IOException">The namespace cannot be entered, the socket cannot be made, or the
    /// kernel refused the binding (another reader holds the group: EBUSY; no CAP_NET_ADMIN: EPERM).</exception>
    public static NflogSocket Open(string? networkNamespace, int group, int copyRange)
    {
        var socket = NetworkNamespace.CreateNetlinkSocket(networkNamespace, NflogMessages.NetlinkNetfilter);
        try
        {
            // Root may raise the buffer past net.core.rmem_max: a burst of logged packets waits here, not in ENOBUFS.
            try
            {
                socket.SetRawSocketOption(SocketLevel, ReceiveBufferForce, BitConverter.GetBytes(ReceiveBufferBytes));
            }
            catch (SocketException)
            {
                socket.ReceiveBufferSize = ReceiveBufferBytes;
            }

            socket.ReceiveTimeout = 2000;
            Configure(socket, NflogMessages.Bind(group, 1), 1, $"bind to nflog group {group}");
            Configure(socket, NflogMessages.CopyMode(group, 2, copyRange), 2, $"set the copy mode of nflog group {group}");
            socket.ReceiveTimeout = 0;
            return new NflogSocket(socket, group);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"nflog group {group}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One datagram (one or more logged packets).</summary>
    /// <exception cref="SocketException">NoBufferSpaceAvailable (ENOBUFS) when the kernel dropped
    /// packets because this socket's buffer was full; the socket stays usable.</exception>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public void Dispose() => _socket.Dispose();

    private static void Configure(Socket socket, byte[] request, uint sequence, string what)
    {
        socket.Send(request);
        var buffer = new byte[8192];
        // Packets may already arrive between the bind and its acknowledgement: read past them, boundedly.
        for (var i = 0; i < 64; i++)
        {
            var received = socket.Receive(buffer);
            if (NflogMessages.Acknowledgement(buffer.AsSpan(0, received), sequence) is { } error)
            {
                if (error != 0)
                {
                    throw new IOException($"cannot {what}: the kernel answered errno {-error}{(error == -16 ? " (another reader holds the group)" : "")}");
                }

                return;
            }
        }

        throw new IOException($"cannot {what}: no acknowledgement");
    }

}
