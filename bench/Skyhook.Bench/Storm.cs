using System.Diagnostics;

namespace Skyhook.Bench;

/// <summary>
/// Open-loop bursts: every request of a storm is started at once (one after the other from one
/// thread, as fast as they can be sent, like openvpn writing CLIENT notifications), none waits for
/// another's answer. A storm's rate is its size over the time from the first request to the last answer.
/// </summary>
public static class Storm
{
    /// <summary>Starts <paramref name="count"/> requests at once and times each from its start to its answer.</summary>
    public static async Task<StormOutcome[]> FireAsync(int count, Func<int, CancellationToken, Task<bool>> request, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            var asked = Stopwatch.GetTimestamp();
            var admitted = await request(index, cancellationToken);
            return new StormOutcome(admitted, asked, Stopwatch.GetTimestamp());
        }));

    /// <summary>Several storms of one scenario as one result: every latency, and the storms' durations added up.</summary>
    public static LoadResult Result(string scenario, IEnumerable<IReadOnlyCollection<StormOutcome>> storms)
    {
        var all = storms.Where(s => s.Count > 0).ToList();
        var elapsed = TimeSpan.FromTicks(all.Sum(s => Stopwatch.GetElapsedTime(s.Min(o => o.Asked), s.Max(o => o.Answered)).Ticks));
        return LoadResult.Of(scenario, all.SelectMany(s => s.Select(o => o.Latency.TotalMilliseconds)), all.Sum(s => s.Count(o => !o.Admitted)), elapsed);
    }
}
