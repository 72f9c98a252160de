using Skyhook.Core.Contracts;
using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Turns conntrack's NEW and DESTROY events into allowed flows: at NEW it remembers the start and the
/// subject as they are then (session, container at the destination, deciding rule); at DESTROY it
/// publishes one <see cref="EventKinds.Flow"/> with the counters of both directions (original =
/// from the client). A DESTROY without its NEW (the gateway started after the connection, the table
/// was full, or conntrack lost the event) is published with what is known then: its start from
/// conntrack's age of the entry when it has one, else its end. Connections of no VPN session, or to
/// the gateway itself, are ignored. Thread-safe.
/// </summary>
public sealed class FlowRecorder(FlowContext context, IEventSink sink, TimeProvider time, int capacity)
{
    private readonly Dictionary<uint, OpenFlow> _open = [];
    private readonly Lock _lock = new();

    /// <summary>Connections not remembered because <c>capacity</c> were open already.</summary>
    public long Unremembered { get; private set; }

    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>
    /// Forgets every open connection, for a <c>conntrack -E</c> that starts (again): the DESTROYs of
    /// the connections remembered so far may never come (lost to netlink overflow, or to the child
    /// that ended), and would otherwise hold their places in the table for good. A DESTROY that comes
    /// all the same is published as one without its NEW.
    /// </summary>
    public void Forget()
    {
        lock (_lock)
        {
            _open.Clear();
        }
    }

    public void Handle(ConntrackEvent conntrackEvent)
    {
        ArgumentNullException.ThrowIfNull(conntrackEvent);
        var now = conntrackEvent.At ?? time.GetUtcNow();
        if (conntrackEvent.New)
        {
            if (context.Describe(conntrackEvent.Entry) is not { } subject)
            {
                return;
            }

            lock (_lock)
            {
                if (_open.Count < capacity || _open.ContainsKey(conntrackEvent.Id))
                {
                    _open[conntrackEvent.Id] = new OpenFlow(conntrackEvent.Entry, now, subject);
                }
                else
                {
                    Unremembered++;
                }
            }

            return;
        }

        OpenFlow? flow;
        lock (_lock)
        {
            // An id names one entry while it lives; the tuple check guards against a reused id.
            if (_open.Remove(conntrackEvent.Id, out flow) && flow.Entry != conntrackEvent.Entry)
            {
                flow = null;
            }
        }

        if (flow is null)
        {
            if (context.Describe(conntrackEvent.Entry) is not { } subject)
            {
                return;
            }

            flow = new OpenFlow(conntrackEvent.Entry, conntrackEvent.AgeSeconds is { } age ? now.AddSeconds(-age) : now, subject);
        }

        sink.Publish(flow.Subject.ToEvent(EventKinds.Flow, flow.Start, Verdicts.Allowed) with
        {
            Ended = now,
            BytesFromClient = conntrackEvent.OriginalBytes,
            BytesToClient = conntrackEvent.ReplyBytes,
            PacketsFromClient = conntrackEvent.OriginalPackets,
            PacketsToClient = conntrackEvent.ReplyPackets,
        });
    }

    private sealed record OpenFlow(ConntrackEntry Entry, DateTimeOffset Start, FlowSubject Subject);
}
