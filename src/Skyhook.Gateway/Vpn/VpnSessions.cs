using System.Collections.Concurrent;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Vpn;

/// <summary>The live sessions by OpenVPN client id, for the heartbeat and for cutting users who lost their access.</summary>
public sealed class VpnSessions
{
    private readonly ConcurrentDictionary<ulong, VpnSession> _sessions = new();

    public int Count => _sessions.Count;

    public IReadOnlyList<VpnSession> Snapshot() => _sessions.Values.ToArray();

    public IReadOnlyList<LiveSession> Live() =>
        Snapshot().OrderBy(s => s.ClientId)
            .Select(s => new LiveSession(s.SessionId ?? "", s.UserName, s.Address.ToString(), s.RealAddress?.Address.ToString(), s.Since, s.BytesFromClient, s.BytesToClient))
            .ToList();

    /// <summary>
    /// Takes the counters of a status reading for the sessions it lists (by client id). A session it
    /// does not list keeps its last counters: it may have been admitted after the reading.
    /// </summary>
    public void UpdateTraffic(IReadOnlyDictionary<ulong, ClientTraffic> traffic)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        foreach (var session in _sessions.Values)
        {
            if (traffic.TryGetValue(session.ClientId, out var counters))
            {
                session.BytesFromClient = counters.BytesReceived;
                session.BytesToClient = counters.BytesSent;
            }
        }
    }

    public void Add(VpnSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.ClientId] = session;
    }

    public VpnSession? Get(ulong clientId) => _sessions.GetValueOrDefault(clientId);

    public VpnSession? Remove(ulong clientId) => _sessions.TryRemove(clientId, out var session) ? session : null;

    public void Clear() => _sessions.Clear();
}
