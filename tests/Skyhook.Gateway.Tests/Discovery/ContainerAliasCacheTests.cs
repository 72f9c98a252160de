using Skyhook.Gateway.Discovery;

namespace Skyhook.Gateway.Tests.Discovery;

public sealed class ContainerAliasCacheTests
{
    [Fact]
    public async Task RefreshAsync_SecondRead_InspectsOnlyNewContainersAndForgetsGoneOnes()
    {
        var cache = new ContainerAliasCache();
        var inspected = new List<string>();
        Task<IReadOnlyList<string>?> Inspect(string id, CancellationToken token)
        {
            lock (inspected)
            {
                inspected.Add(id);
            }
            return Task.FromResult<IReadOnlyList<string>?>([id + "-alias"]);
        }

        var first = await cache.RefreshAsync(["a", "b"], Inspect, TestContext.Current.CancellationToken);
        var second = await cache.RefreshAsync(["b", "c"], Inspect, TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b", "c"], inspected.Order());
        Assert.Equal(["a", "b"], first.Keys.Order());
        Assert.Equal(["b", "c"], second.Keys.Order());
        Assert.Equal(["c-alias"], second["c"]);
    }

    [Fact]
    public async Task RefreshAsync_ContainerGoneBeforeInspect_NoAliasesAndAskedAgain()
    {
        var cache = new ContainerAliasCache();
        var calls = 0;
        Task<IReadOnlyList<string>?> Inspect(string id, CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult<IReadOnlyList<string>?>(null);
        }

        var first = await cache.RefreshAsync(["a"], Inspect, TestContext.Current.CancellationToken);
        await cache.RefreshAsync(["a"], Inspect, TestContext.Current.CancellationToken);

        Assert.Empty(first);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RefreshAsync_ManyNewContainers_AtMostFourInspectionsAtOnce()
    {
        var cache = new ContainerAliasCache();
        var running = 0;
        var most = 0;
        async Task<IReadOnlyList<string>?> Inspect(string id, CancellationToken token)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(5, token);
            Interlocked.Decrement(ref running);
            return [];
        }

        var aliases = await cache.RefreshAsync(Enumerable.Range(0, 40).Select(i => $"c{i}").ToList(), Inspect, TestContext.Current.CancellationToken);

        Assert.Equal(40, aliases.Count);
        Assert.InRange(most, 1, ContainerAliasCache.MaxConcurrentInspections);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
