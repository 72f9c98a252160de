namespace Skyhook.Core.Retries;

/// <summary>
/// Exponential backoff with full jitter between half and all of the step (so that many gateways or exporters
/// losing one controller do not come back in lockstep), capped, reset by a success.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan maximum)
{
    private int _failures;

    public TimeSpan Next()
    {
        var step = Math.Min(maximum.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 20)));
        _failures++;
        return TimeSpan.FromMilliseconds(step * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    public void Reset() => _failures = 0;
}
