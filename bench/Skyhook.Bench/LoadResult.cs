using System.Globalization;

namespace Skyhook.Bench;

/// <summary>What one scenario measured: requests completed, their rate, and latency percentiles.</summary>
public sealed record LoadResult(string Scenario, int Requests, int Failures, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public string Row(LoadResult? baseline) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Scenario} | {PerSecond:0.0} | {P50.TotalMilliseconds:0.00} | {P99.TotalMilliseconds:0.00} | {Failures} | {(baseline is null ? "baseline" : $"{PerSecond / baseline.PerSecond:0.000} x {baseline.Scenario}")} |");
}
