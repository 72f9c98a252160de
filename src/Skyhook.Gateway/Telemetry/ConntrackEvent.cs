using Skyhook.Gateway.Policy;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// One line of <c>conntrack -E -o extended,id,timestamp</c>: a connection confirmed (<see cref="New"/>
/// true) or destroyed, conntrack's id for it, its original direction, and for a destroy the counters
/// of each direction (with <c>nf_conntrack_acct</c> on) and its age in seconds (with
/// <c>nf_conntrack_timestamp</c> on).
/// </summary>
/// <param name="At">When conntrack received the event; null when the line had no timestamp.</param>
public sealed record ConntrackEvent(
    bool New,
    uint Id,
    ConntrackEntry Entry,
    DateTimeOffset? At,
    long? OriginalPackets = null,
    long? OriginalBytes = null,
    long? ReplyPackets = null,
    long? ReplyBytes = null,
    long? AgeSeconds = null);
