using System.Collections.Concurrent;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Vpn;

/// <summary>The live sessions by OpenVPN client id, for the heartbeat and for cutting users who lost their access.</summary>
public sealed class VpnSessions : ILiveSessions
{
    private readonly ConcurrentDictionary<ulong, VpnSession> _sessions = new();

    public int Count => _sessions.Count;

    public IReadOnlyList<VpnSession> Snapshot() => _sessions.Values.ToArray();

    public IReadOnlyList<LiveSession> Live() =>
        Snapshot().OrderBy(s => s.ClientId)
            .Select(s => new LiveSession(s.SessionId ?? "", s.UserName, s.Address.ToString(), s.RealAddress?.Address.ToString(), s.Since))
            .ToList();

    public void Add(VpnSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.ClientId] = session;
    }

    public VpnSession? Get(ulong clientId) => _sessions.GetValueOrDefault(clientId);

    public VpnSession? Remove(ulong clientId) => _sessions.TryRemove(clientId, out var session) ? session : null;

    public void Clear() => _sessions.Clear();
}
