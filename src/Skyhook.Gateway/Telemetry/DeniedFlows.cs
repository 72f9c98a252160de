using System.Net;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Denied connection attempts from the policy table's nflog group (<c>NftLogGroups.Denied</c>: the
/// first packet of each connection a profile drops). Packets of one (client, destination, protocol,
/// port) within the window are one attempt (a SYN and its retransmissions, a client retrying),
/// published as one denied <see cref="EventKinds.Flow"/> when its window ends, with the packets
/// refused counted. At most <c>capacity</c> attempts wait at once; packets beyond are counted in
/// <see cref="Lost"/>. Thread-safe.
/// </summary>
public sealed class DeniedFlows(FlowContext context, IEventSink sink, TimeProvider time, TimeSpan window, int capacity)
{
    private readonly Dictionary<AttemptKey, Attempt> _attempts = [];
    private readonly Lock _lock = new();

    /// <summary>Denied packets not counted because <c>capacity</c> attempts were waiting.</summary>
    public long Lost { get; private set; }

    /// <summary>One logged packet (from the IP header on).</summary>
    public void Add(ReadOnlySpan<byte> packet, DateTimeOffset? at)
    {
        if (!IpPacket.TryRead(packet, out var parsed))
        {
            return;
        }

        var entry = parsed.Entry;
        var key = new AttemptKey(entry.Source, entry.Destination, entry.Protocol, entry.DestinationPort);
        lock (_lock)
        {
            if (_attempts.TryGetValue(key, out var attempt))
            {
                attempt.Packets++;
                return;
            }

            if (_attempts.Count >= capacity)
            {
                Lost++;
                return;
            }
        }

        // Named outside the lock: the session and the rule as they are at the first packet.
        if (context.Describe(entry) is not { } subject)
        {
            return;
        }

        lock (_lock)
        {
            if (!_attempts.TryGetValue(key, out var attempt))
            {
                _attempts[key] = new Attempt(at ?? time.GetUtcNow(), subject) { Packets = 1 };
            }
            else
            {
                attempt.Packets++;
            }
        }
    }

    /// <summary>Publishes the attempts whose window has ended; <paramref name="all"/>: every one (at shutdown).</summary>
    public void Flush(bool all = false)
    {
        var now = time.GetUtcNow();
        List<Attempt> ended = [];
        lock (_lock)
        {
            foreach (var (key, attempt) in _attempts)
            {
                if (all || attempt.First + window <= now)
                {
                    ended.Add(attempt);
                    _attempts.Remove(key);
                }
            }
        }

        foreach (var attempt in ended)
        {
            sink.Publish(attempt.Subject.ToEvent(EventKinds.Flow, attempt.First, Verdicts.Denied) with { PacketsFromClient = attempt.Packets });
        }
    }

    private readonly record struct AttemptKey(IPAddress Source, IPAddress Destination, int Protocol, int? Port);

    private sealed record Attempt(DateTimeOffset First, FlowSubject Subject)
    {
        public long Packets { get; set; }
    }
}
