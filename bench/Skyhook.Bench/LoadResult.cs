using System.Globalization;

namespace Skyhook.Bench;

/// <summary>What one scenario measured: requests completed, their rate, and latency percentiles.</summary>
public sealed record LoadResult(string Scenario, int Requests, int Failures, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>The result of requests that took <paramref name="latenciesMs"/> (in any order) within <paramref name="elapsed"/>.</summary>
    public static LoadResult Of(string scenario, IEnumerable<double> latenciesMs, int failures, TimeSpan elapsed)
    {
        var sorted = latenciesMs.Order().ToArray();
        return new LoadResult(scenario, sorted.Length, failures, elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
    }

    public string Row(LoadResult? baseline) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Scenario} | {PerSecond:0.0} | {P50.TotalMilliseconds:0.00} | {P99.TotalMilliseconds:0.00} | {Failures} | {(baseline is null ? "baseline" : $"{PerSecond / baseline.PerSecond:0.000} x {baseline.Scenario}")} |");

    private static TimeSpan Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)]);
}
