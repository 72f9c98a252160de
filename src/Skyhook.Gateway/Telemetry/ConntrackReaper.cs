using System.Buffers.Binary;
using System.Net.Sockets;
using Skyhook.Linux;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Makes conntrack remove expired entries now. The kernel removes an expired entry, and only then
/// sends its DESTROY event (the flow's end, with its counters), when its garbage collector comes by:
/// every 1 to 60 s, the slower the more long-lived entries the host tracks. Measured in
/// docs/BENCHMARKS.md: without this, closed connections' flows arrived 2 to 50 s after the close.
/// A ctnetlink dump evicts every expired entry it walks past (the kernel's whole table), so
/// <see cref="ReapAsync"/> asks for one with a filter no entry matches (mark all ones): the kernel
/// walks and evicts, and answers with nothing but the end of the dump.
/// </summary>
public sealed class ConntrackReaper : IDisposable
{
    private const ushort DumpRequestType = (1 << 8) | 1; // NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET
    private const ushort RequestDumpFlags = 0x1 | 0x300; // NLM_F_REQUEST | NLM_F_DUMP
    private const ushort EntryType = 1 << 8; // IPCTNL_MSG_CT_NEW, as dumps send each entry
    private const ushort DoneType = 3;
    private const ushort ErrorType = 2;
    private const ushort AttributeMark = 8;
    private const ushort AttributeMarkMask = 21;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private uint _sequence;

    private ConntrackReaper(Socket socket) => _socket = socket;

    /// <exception cref="IOException">The namespace cannot be entered or the socket cannot be made.</exception>
    public static ConntrackReaper Open(string? networkNamespace) =>
        new(NetworkNamespace.CreateNetlinkSocket(networkNamespace, NflogMessages.NetlinkNetfilter));

    /// <summary>The dump request: all families, entries whose mark is all ones only.</summary>
    public static byte[] DumpRequest(uint sequence)
    {
        var message = new byte[16 + 4 + 8 + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), DumpRequestType);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), RequestDumpFlags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        // nfgenmsg at 16: family AF_UNSPEC, version 0, resource id 0.
        foreach (var (offset, type) in new[] { (20, AttributeMark), (28, AttributeMarkMask) })
        {
            BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(offset), 8);
            BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(offset + 2), type);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(offset + 4), uint.MaxValue);
        }
        return message;
    }

    /// <summary>One dump, read to its end; returns the entries the kernel sent (none, unless some entry's mark is all ones).</summary>
    /// <exception cref="IOException">The kernel refused the request.</exception>
    public async Task<int> ReapAsync(CancellationToken cancellationToken)
    {
        var sequence = ++_sequence;
        await _socket.SendAsync(DumpRequest(sequence), SocketFlags.None, cancellationToken);
        var entries = 0;
        while (true)
        {
            var received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
            if (End(_buffer.AsSpan(0, received), sequence, ref entries))
            {
                return entries;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="datagram"/> ends the dump of <paramref name="sequence"/>; counts its
    /// entries into <paramref name="entries"/>; throws on the kernel's error.
    /// </summary>
    public static bool End(ReadOnlySpan<byte> datagram, uint sequence, ref int entries)
    {
        var offset = 0;
        while (offset + 16 <= datagram.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram[offset..]);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[(offset + 4)..]);
            var ours = BinaryPrimitives.ReadUInt32LittleEndian(datagram[(offset + 8)..]) == sequence;
            if (length < 16 || offset + length > datagram.Length)
            {
                return false;
            }
            if (ours && type == DoneType)
            {
                return true;
            }
            if (ours && type == EntryType)
            {
                entries++;
            }
            if (ours && type == ErrorType && length >= 20 && BinaryPrimitives.ReadInt32LittleEndian(datagram[(offset + 16)..]) is var error and not 0)
            {
                throw new IOException($"the kernel refused the conntrack dump: errno {-error}");
            }
            offset += (length + 3) & ~3;
        }
        return false;
    }

    public void Dispose() => _socket.Dispose();
}
