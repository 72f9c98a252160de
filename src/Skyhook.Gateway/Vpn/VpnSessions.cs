using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Vpn.OpenVpn;
using Skyhook.Core.Addressing;

namespace Skyhook.Gateway.Vpn;

/// <summary>
/// The live sessions by OpenVPN client id, for the heartbeat and for cutting users who lost their
/// access, and by tunnel address, for the DNS service to know who asks.
/// </summary>
public sealed class VpnSessions
{
    private readonly ConcurrentDictionary<ulong, VpnSession> _sessions = new();
    private readonly ConcurrentDictionary<uint, VpnSession> _byAddress = new();

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
        if (Key(session.Address) is { } key)
        {
            _byAddress[key] = session;
        }
    }

    public VpnSession? Get(ulong clientId) => _sessions.GetValueOrDefault(clientId);

    /// <summary>The session holding this tunnel address, or null. Allocates nothing.</summary>
    public VpnSession? AtAddress(IPAddress address) =>
        Key(address) is { } key && _byAddress.TryGetValue(key, out var session) ? session : null;

    public VpnSession? Remove(ulong clientId)
    {
        if (!_sessions.TryRemove(clientId, out var session))
        {
            return null;
        }
        if (Key(session.Address) is { } key)
        {
            // Only this session's entry: a new login may already hold the address.
            _byAddress.TryRemove(new KeyValuePair<uint, VpnSession>(key, session));
        }
        return session;
    }

    public void Clear()
    {
        _sessions.Clear();
        _byAddress.Clear();
    }

    private static uint? Key(IPAddress address)
    {
        var v4 = address.Unmapped();
        if (v4.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[4];
        v4.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
