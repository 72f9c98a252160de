using System.Net;
using Skyhook.Core.Contracts;
using Skyhook.Core.Telemetry;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Web requests from the first packets of allowed TCP connections (the policy table's nflog group
/// <c>NftLogGroups.Web</c>: packets 2 to 6 of each connection, client to server). Per connection it
/// joins the payload in sequence order (a segment after a gap is passed over; a retransmission adds
/// only what is new) and asks the sniffers: a TLS ClientHello gives its server name (https), an
/// HTTP/1.x request its method, Host and path (http), on any port. Each connection yields at most one
/// web event, its first request: later requests of a keep-alive connection come after the packets
/// the table logs. Connections are forgotten after <see cref="Expiry"/>; at most <c>capacity</c> at once.
/// Thread-safe.
/// </summary>
public sealed class WebSniffer(FlowContext context, IEventSink sink, TimeProvider time, int capacity)
{
    /// <summary>How long a connection's state is kept after its first payload packet.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    /// <summary>The most payload bytes joined per connection.</summary>
    public const int MaxJoined = 16384;

    private readonly Dictionary<ConnectionKey, Connection> _connections = [];
    private readonly Lock _lock = new();

    /// <summary>Connections not read because <c>capacity</c> were being read.</summary>
    public long Unread { get; private set; }

    /// <summary>One logged packet (from the IP header on).</summary>
    public void Add(ReadOnlySpan<byte> packet, DateTimeOffset? at)
    {
        if (!IpPacket.TryRead(packet, out var parsed) || parsed.Entry.Protocol != Policy.ConntrackEntry.Tcp || parsed.PayloadLength == 0)
        {
            return;
        }

        var entry = parsed.Entry;
        var key = new ConnectionKey(entry.Source, entry.SourcePort!.Value, entry.Destination, entry.DestinationPort!.Value);
        var payload = parsed.Captured(packet);
        string? name = null;
        HttpRequestHead? request = null;
        lock (_lock)
        {
            if (!_connections.TryGetValue(key, out var connection))
            {
                if (_connections.Count >= capacity)
                {
                    Unread++;
                    return;
                }

                connection = new Connection(at ?? time.GetUtcNow(), parsed.Sequence);
                _connections[key] = connection;
            }

            if (connection.Done || !connection.Append(parsed.Sequence, payload, parsed.PayloadLength))
            {
                return;
            }

            var joined = connection.Joined;
            var result = joined[0] == 0x16 ? TlsServerNameSniffer.Sniff(joined, out name) : HttpRequestSniffer.Sniff(joined, out request);
            if (result == SniffResult.Incomplete && !connection.Cut)
            {
                return;
            }

            connection.Done = true;
            if (result != SniffResult.Found || (name is null && request is null))
            {
                return;
            }

            at = connection.First;
        }

        if (context.Describe(entry) is not { } subject)
        {
            return;
        }

        sink.Publish(subject.ToEvent(EventKinds.Web, at!.Value, Verdicts.Allowed) with
        {
            Name = request is null ? name : request.Host,
            Method = request?.Method,
            Path = request?.Path,
            Scheme = request is null ? "https" : "http",
        });
    }

    /// <summary>Forgets connections older than <see cref="Expiry"/>.</summary>
    public void Sweep()
    {
        var oldest = time.GetUtcNow() - Expiry;
        lock (_lock)
        {
            foreach (var (key, connection) in _connections)
            {
                if (connection.First < oldest)
                {
                    _connections.Remove(key);
                }
            }
        }
    }

    private readonly record struct ConnectionKey(IPAddress Source, int SourcePort, IPAddress Destination, int DestinationPort);

    private sealed class Connection(DateTimeOffset first, uint sequence)
    {
        private byte[] _buffer = new byte[2048];
        private int _length;
        private uint _next = sequence;

        public DateTimeOffset First { get; } = first;

        public bool Done { get; set; }

        /// <summary>True once something could not be joined (a segment cut by the snaplen, or the bound): no more will come.</summary>
        public bool Cut { get; private set; }

        public ReadOnlySpan<byte> Joined => _buffer.AsSpan(0, _length);

        /// <summary>Adds what the segment brings after the bytes joined so far; false when it brings nothing new.</summary>
        public bool Append(uint sequence, ReadOnlySpan<byte> captured, int length)
        {
            // Sequence arithmetic is modulo 2^32: a segment starting up to 2^31 before the next byte is old.
            var skip = (int)(_next - sequence);
            if (Cut || skip < 0 || skip >= length)
            {
                return false;
            }

            var fresh = captured.Length > skip ? captured[skip..] : default;
            var room = MaxJoined - _length;
            if (fresh.Length > room || captured.Length < length)
            {
                Cut = true;
            }

            fresh = fresh[..Math.Min(fresh.Length, room)];
            if (_length + fresh.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(MaxJoined, Math.Max(_buffer.Length * 2, _length + fresh.Length)));
            }

            fresh.CopyTo(_buffer.AsSpan(_length));
            _length += fresh.Length;
            _next = sequence + (uint)length;
            return _length > 0;
        }
    }
}
