using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Skyhook.Core.Telemetry;

/// <summary>
/// Reads the server name (SNI, RFC 6066) from a TLS ClientHello as a client sends it at the start of
/// a connection, without decrypting anything (the ClientHello is in clear in every TLS version up to
/// 1.3; an Encrypted ClientHello shows its outer, public name). Handshake messages split over several
/// records are joined. Every length is checked against the structure that holds it, the extension
/// list must fill its space exactly, and the name must be a host name: anything else is
/// <see cref="SniffResult.Unrecognized"/>. Never throws on any input; reads at most <see cref="MaxHello"/> bytes.
/// </summary>
public static class TlsServerNameSniffer
{
    /// <summary>The largest ClientHello read (post-quantum key shares make them 1.5 to 2 KB; 16 KB is far beyond).</summary>
    public const int MaxHello = 16384;

    private const byte HandshakeRecord = 22;
    private const byte ClientHello = 1;
    private const int RecordHeader = 5;
    private const int MaxRecord = 16384 + 2048;
    private const ushort ServerNameExtension = 0;
    private const byte HostName = 0;
    private const int MaxName = 253;

    /// <summary>
    /// <see cref="SniffResult.Found"/> once the whole ClientHello is read: <paramref name="serverName"/> is its
    /// host name (lowercase), or null when it names none.
    /// </summary>
    public static SniffResult Sniff(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        // The handshake bytes of the records read so far, joined; only when the first record does not hold it all.
        List<byte>? joined = null;
        while (true)
        {
            if (data.Length < RecordHeader)
            {
                return Prefix(data);
            }

            if (data[0] != HandshakeRecord || data[1] != 3 || data[2] > 4)
            {
                return SniffResult.Unrecognized;
            }

            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
            if (recordLength is 0 or > MaxRecord)
            {
                return SniffResult.Unrecognized;
            }

            var available = Math.Min(recordLength, data.Length - RecordHeader);
            var fragment = data.Slice(RecordHeader, available);
            ReadOnlySpan<byte> handshake;
            if (joined is null && (fragment.Length < 4 || fragment.Length - 4 >= HelloLength(fragment)))
            {
                // The common case: the whole ClientHello (or too little to tell) in the first record.
                handshake = fragment;
            }
            else
            {
                joined ??= [];
                joined.AddRange(fragment);
                handshake = CollectionsMarshal.AsSpan(joined);
            }

            if (handshake.Length >= 1 && handshake[0] != ClientHello)
            {
                return SniffResult.Unrecognized;
            }

            if (handshake.Length >= 4)
            {
                var helloLength = HelloLength(handshake);
                if (helloLength is < 38 or > MaxHello)
                {
                    return SniffResult.Unrecognized;
                }

                if (handshake.Length - 4 >= helloLength)
                {
                    return Parse(handshake.Slice(4, helloLength), out serverName);
                }
            }

            if (available < recordLength)
            {
                return SniffResult.Incomplete;
            }

            if ((joined?.Count ?? 0) > MaxHello + 4)
            {
                return SniffResult.Unrecognized;
            }

            if (joined is null)
            {
                joined = [.. fragment];
            }

            data = data[(RecordHeader + recordLength)..];
        }
    }

    private static int HelloLength(ReadOnlySpan<byte> handshake) => (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];

    /// <summary>Fewer than a record header's bytes: could they begin a handshake record?</summary>
    private static SniffResult Prefix(ReadOnlySpan<byte> data) =>
        (data.Length < 1 || data[0] == HandshakeRecord) && (data.Length < 2 || data[1] == 3) && (data.Length < 3 || data[2] <= 4)
            ? SniffResult.Incomplete
            : SniffResult.Unrecognized;

    private static SniffResult Parse(ReadOnlySpan<byte> hello, out string? serverName)
    {
        serverName = null;
        // legacy_version, random
        var reader = new Reader(hello);
        if (!reader.Skip(2 + 32)
            || !reader.Vector8(out var sessionId) || sessionId.Length > 32
            || !reader.Vector16(out var suites) || suites.Length < 2 || suites.Length % 2 != 0
            || !reader.Vector8(out var compression) || compression.Length < 1)
        {
            return SniffResult.Unrecognized;
        }

        if (reader.Remaining == 0)
        {
            return SniffResult.Found;
        }

        if (!reader.Vector16(out var extensions) || reader.Remaining != 0)
        {
            return SniffResult.Unrecognized;
        }

        var list = new Reader(extensions);
        var seen = false;
        ReadOnlySpan<byte> found = default;
        while (list.Remaining > 0)
        {
            if (!list.UInt16(out var type) || !list.Vector16(out var body))
            {
                return SniffResult.Unrecognized;
            }

            if (type != ServerNameExtension)
            {
                continue;
            }

            if (seen)
            {
                // The same extension twice is a malformed ClientHello (RFC 8446 4.2).
                return SniffResult.Unrecognized;
            }

            seen = true;
            var names = new Reader(body);
            if (!names.Vector16(out var nameList) || names.Remaining != 0)
            {
                return SniffResult.Unrecognized;
            }

            var entries = new Reader(nameList);
            while (entries.Remaining > 0)
            {
                if (!entries.Byte(out var nameType) || !entries.Vector16(out var name))
                {
                    return SniffResult.Unrecognized;
                }

                if (nameType == HostName && found.IsEmpty)
                {
                    if (!IsHostName(name))
                    {
                        return SniffResult.Unrecognized;
                    }

                    found = name;
                }
            }
        }

        serverName = found.IsEmpty ? null : Encoding.ASCII.GetString(found).ToLowerInvariant();
        return SniffResult.Found;
    }

    /// <summary>Letters, digits, <c>-</c>, <c>_</c> and dots, 1 to 253 characters, no empty label (a trailing dot is not sent, RFC 6066).</summary>
    private static bool IsHostName(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > MaxName || name[0] == (byte)'.' || name[^1] == (byte)'.' || name.IndexOf(".."u8) >= 0)
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A cursor over a span that never reads past its end: every read says whether it fitted.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly int Remaining => _rest.Length;

        public bool Skip(int count)
        {
            if (_rest.Length < count)
            {
                return false;
            }

            _rest = _rest[count..];
            return true;
        }

        public bool Byte(out byte value)
        {
            value = 0;
            if (_rest.IsEmpty)
            {
                return false;
            }

            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool UInt16(out ushort value)
        {
            value = 0;
            if (_rest.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
            _rest = _rest[2..];
            return true;
        }

        public bool Vector8(out ReadOnlySpan<byte> value)
        {
            value = default;
            return Byte(out var length) && Take(length, out value);
        }

        public bool Vector16(out ReadOnlySpan<byte> value)
        {
            value = default;
            return UInt16(out var length) && Take(length, out value);
        }

        private bool Take(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_rest.Length < length)
            {
                return false;
            }

            value = _rest[..length];
            _rest = _rest[length..];
            return true;
        }
    }
}
