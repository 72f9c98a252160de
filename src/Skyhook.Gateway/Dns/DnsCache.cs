using System.Collections.Concurrent;
using Skyhook.Core.Dns;

namespace Skyhook.Gateway.Dns;

/// <summary>
/// Forwarded answers by question, each kept for the TTL the upstream gave (the smallest of its
/// answer records, or the SOA's negative TTL for NXDOMAIN and empty answers; RFC 2308), at most a
/// day. A hit is aged on the way out (<see cref="DnsMessages.Personalize"/>), so a client never sees
/// a TTL longer than what is left. Bounded: when full, expired entries go first, then a tenth of the rest.
/// </summary>
public sealed class DnsCache(int capacity, TimeProvider time)
{
    private static readonly uint MaxTtlSeconds = (uint)TimeSpan.FromDays(1).TotalSeconds;

    private readonly ConcurrentDictionary<DnsCacheKey, DnsCacheEntry> _entries = new();

    public int Count => _entries.Count;

    /// <summary>The entry and how many whole seconds it has been kept; false when absent or expired.</summary>
    public bool TryGet(in DnsCacheKey key, out DnsCacheEntry entry, out uint ageSeconds)
    {
        ageSeconds = 0;
        if (!_entries.TryGetValue(key, out entry!))
        {
            return false;
        }
        var age = time.GetElapsedTime(entry.StoredAt);
        if (age.TotalSeconds >= entry.TtlSeconds)
        {
            _entries.TryRemove(new KeyValuePair<DnsCacheKey, DnsCacheEntry>(key, entry));
            return false;
        }
        ageSeconds = (uint)age.TotalSeconds;
        return true;
    }

    /// <summary>Keeps a response whose TTL allows it; false (nothing kept) when it is not cacheable.</summary>
    public bool TryAdd(in DnsCacheKey key, byte[] response, DnsResponseInfo info)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(info);
        if (capacity == 0 || info.CacheTtl is not { } ttl || ttl == 0)
        {
            return false;
        }
        if (_entries.Count >= capacity)
        {
            MakeRoom();
        }
        _entries[key] = new DnsCacheEntry(response, info, time.GetTimestamp(), Math.Min(ttl, MaxTtlSeconds));
        return true;
    }

    private void MakeRoom()
    {
        foreach (var (key, entry) in _entries)
        {
            if (time.GetElapsedTime(entry.StoredAt).TotalSeconds >= entry.TtlSeconds)
            {
                _entries.TryRemove(key, out _);
            }
        }
        var excess = _entries.Count - (capacity - Math.Max(1, capacity / 10));
        foreach (var key in _entries.Keys)
        {
            if (excess-- <= 0)
            {
                break;
            }
            _entries.TryRemove(key, out _);
        }
    }
}

/// <summary>A question as the cache tells them apart: the DO bit asks for a different answer (with signatures).</summary>
public readonly record struct DnsCacheKey(string Name, ushort Type, ushort Class, bool DnssecOk);

/// <param name="StoredAt">A <see cref="TimeProvider.GetTimestamp"/> value.</param>
public sealed record DnsCacheEntry(byte[] Response, DnsResponseInfo Info, long StoredAt, uint TtlSeconds);
