using System.Diagnostics;

namespace Skyhook.Bench;

/// <summary>One login of a storm: whether it was admitted, and when it was asked and answered (<see cref="Stopwatch"/> timestamps).</summary>
public readonly record struct StormOutcome(bool Admitted, long Asked, long Answered)
{
    public TimeSpan Latency => Stopwatch.GetElapsedTime(Asked, Answered);
}
