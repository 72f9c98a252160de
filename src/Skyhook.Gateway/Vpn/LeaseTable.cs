using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Numerics;
using Skyhook.Core.Addressing;

namespace Skyhook.Gateway.Vpn;

/// <summary>
/// VPN addresses of this gateway's client block, one per OpenVPN client id: the block's first host
/// is the gateway's own (the tun device), its network and broadcast are nobody's, every other
/// address is leased to at most one session and comes back when that session disconnects. The
/// lowest free address is handed out first, so addresses are predictable and reused.
/// </summary>
public sealed class LeaseTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, UInt128> _byClient = [];
    private readonly SortedSet<UInt128> _taken = [];
    private readonly UInt128 _first;
    private readonly UInt128 _last;

    public LeaseTable(Cidr block)
    {
        if (block.Family != System.Net.Sockets.AddressFamily.InterNetwork || block.PrefixLength > 29)
        {
            throw new ArgumentException($"{block} is not an IPv4 client block of /29 or larger", nameof(block));
        }
        Block = block;
        _first = 2;
        _last = (UInt128)(block.AddressCount - 2);
    }

    public Cidr Block { get; }

    /// <summary>The gateway's own tunnel address: the block's first host.</summary>
    public IPAddress GatewayAddress => Block.AddressAt(1);

    public int Capacity => (int)(_last - _first + 1);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byClient.Count;
            }
        }
    }

    /// <summary>
    /// The client's address: the one it already holds, or the lowest free one. False with a reason
    /// fit for the client when every address is taken.
    /// </summary>
    public bool TryLease(ulong clientId, [NotNullWhen(true)] out IPAddress? address, [NotNullWhen(false)] out string? refusal)
    {
        lock (_lock)
        {
            if (_byClient.TryGetValue(clientId, out var held))
            {
                address = Block.AddressAt(held);
                refusal = null;
                return true;
            }
            var candidate = _first;
            foreach (var taken in _taken)
            {
                if (taken != candidate)
                {
                    break;
                }
                candidate++;
            }
            if (candidate > _last)
            {
                address = null;
                refusal = $"this gateway has no free VPN address (all {Capacity} of {Block} are in use); try again later or another gateway";
                return false;
            }
            _taken.Add(candidate);
            _byClient[clientId] = candidate;
            address = Block.AddressAt(candidate);
            refusal = null;
            return true;
        }
    }

    /// <summary>Frees the client's address; false when it held none.</summary>
    public bool Release(ulong clientId)
    {
        lock (_lock)
        {
            if (!_byClient.Remove(clientId, out var held))
            {
                return false;
            }
            _taken.Remove(held);
            return true;
        }
    }

    public IPAddress? AddressOf(ulong clientId)
    {
        lock (_lock)
        {
            return _byClient.TryGetValue(clientId, out var held) ? Block.AddressAt(held) : null;
        }
    }
}
