using System.Collections.Concurrent;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Vpn;

/// <summary>The live sessions by OpenVPN client id, for the heartbeat and for cutting users who lost their access.</summary>
public sealed class VpnSessions : ISessionCount
{
    private readonly ConcurrentDictionary<ulong, VpnSession> _sessions = new();

    public int Count => _sessions.Count;

    public IReadOnlyList<VpnSession> Snapshot() => _sessions.Values.ToArray();

    public void Add(VpnSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.ClientId] = session;
    }

    public VpnSession? Get(ulong clientId) => _sessions.GetValueOrDefault(clientId);

    public VpnSession? Remove(ulong clientId) => _sessions.TryRemove(clientId, out var session) ? session : null;

    public void Clear() => _sessions.Clear();
}
