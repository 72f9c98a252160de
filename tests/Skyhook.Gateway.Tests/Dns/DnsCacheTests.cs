using Microsoft.Extensions.Time.Testing;
using Skyhook.Core.Dns;
using Skyhook.Gateway.Dns;

namespace Skyhook.Gateway.Tests.Dns;

public sealed class DnsCacheTests
{
    private readonly FakeTimeProvider _time = new();

    private static DnsResponseInfo Info(uint? ttl) => new(DnsResponseCode.NoError, false, 1, 29, ttl, [35]);

    [Fact]
    public void TryGet_WithinTheTtl_AgeInWholeSeconds_GoneAfterIt()
    {
        var cache = new DnsCache(10, _time);
        var key = new DnsCacheKey("www.example.test", 1, 1, false);
        Assert.True(cache.TryAdd(key, [1, 2, 3], Info(60)));

        _time.Advance(TimeSpan.FromSeconds(59.5));
        Assert.True(cache.TryGet(key, out var entry, out var age));
        Assert.Equal(59u, age);
        Assert.Equal([1, 2, 3], entry.Response);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.False(cache.TryGet(key, out _, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryAdd_NoTtlOrZero_NotKept_TheDnssecBitIsAnotherQuestion()
    {
        var cache = new DnsCache(10, _time);
        Assert.False(cache.TryAdd(new DnsCacheKey("a.test", 1, 1, false), [1], Info(null)));
        Assert.False(cache.TryAdd(new DnsCacheKey("a.test", 1, 1, false), [1], Info(0)));
        Assert.True(cache.TryAdd(new DnsCacheKey("a.test", 1, 1, true), [1], Info(5)));
        Assert.False(cache.TryGet(new DnsCacheKey("a.test", 1, 1, false), out _, out _));
    }

    [Fact]
    public void TryAdd_TtlAboveADay_KeptADay()
    {
        var cache = new DnsCache(10, _time);
        var key = new DnsCacheKey("long.test", 1, 1, false);
        cache.TryAdd(key, [1], Info(uint.MaxValue >> 1));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(cache.TryGet(key, out _, out _));
    }

    [Fact]
    public void TryAdd_Full_ExpiredGoFirstThenATenth_NeverAboveCapacity()
    {
        var cache = new DnsCache(100, _time);
        for (var i = 0; i < 50; i++)
        {
            cache.TryAdd(new DnsCacheKey($"short{i}.test", 1, 1, false), [1], Info(1));
        }
        for (var i = 0; i < 50; i++)
        {
            cache.TryAdd(new DnsCacheKey($"long{i}.test", 1, 1, false), [1], Info(600));
        }
        _time.Advance(TimeSpan.FromSeconds(2));

        cache.TryAdd(new DnsCacheKey("new.test", 1, 1, false), [1], Info(600));
        Assert.Equal(51, cache.Count);
        Assert.True(cache.TryGet(new DnsCacheKey("long7.test", 1, 1, false), out _, out _));

        for (var i = 0; i < 500; i++)
        {
            cache.TryAdd(new DnsCacheKey($"more{i}.test", 1, 1, false), [1], Info(600));
            Assert.InRange(cache.Count, 1, 100);
        }
    }
}
