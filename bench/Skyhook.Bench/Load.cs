using System.Diagnostics;

namespace Skyhook.Bench;

/// <summary>
/// Closed-loop load: <c>workers</c> concurrent callers, each issuing the next request when the last
/// one answered, for a fixed time and at most a fixed number of requests (bounded both ways).
/// </summary>
public static class Load
{
    public static Task<LoadResult> RunAsync(
        string scenario, int workers, TimeSpan duration, int maxRequests, Func<int, CancellationToken, Task<bool>> request, CancellationToken cancellationToken) =>
        RunAsync(scenario, workers, duration, maxRequests, (_, index, ct) => request(index, ct), cancellationToken);

    /// <summary>The same, each request told which worker makes it (0 to <paramref name="workers"/> - 1): for state one caller owns, such as a gateway's sequence.</summary>
    public static async Task<LoadResult> RunAsync(
        string scenario, int workers, TimeSpan duration, int maxRequests, Func<int, int, CancellationToken, Task<bool>> request, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[workers];
        var failures = 0;
        var issued = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            while (clock.Elapsed < duration)
            {
                var index = Interlocked.Increment(ref issued) - 1;
                if (index >= maxRequests)
                {
                    return;
                }
                var started = Stopwatch.GetTimestamp();
                var ok = await request(worker, index, cancellationToken);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        return LoadResult.Of(scenario, latencies.SelectMany(l => l), failures, clock.Elapsed);
    }
}
