using Skyhook.Core.Identity;

namespace Skyhook.Tests.Shared;

/// <summary>
/// The codes of one TOTP secret as an authenticator app would show them. The controller takes each
/// code once and allows one step of clock drift, so the next code is the current step's or, once
/// that is used, the next step's; after that it waits for the clock.
/// </summary>
/// <param name="lastUsedStep">
/// The last time step whose code someone else already used (or a step no earlier than it): codes
/// start after it, waiting for the clock when that is more than a step ahead. -1: none used.
/// </param>
public sealed class OneTimeCodes(string secret, long lastUsedStep = -1)
{
    private readonly byte[] _secret = Base32.Decode(secret);
    private readonly Totp _totp = new(TimeProvider.System);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _lastUsed = lastUsedStep;

    public string Secret { get; } = secret;

    /// <summary>The time step of now, as the controller counts them.</summary>
    public static long CurrentStep => new Totp(TimeProvider.System).GetCurrentTimeStep();

    public async Task<string> NextAsync()
    {
        await _lock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            while (true)
            {
                var current = _totp.GetCurrentTimeStep();
                var step = Math.Max(current, _lastUsed + 1);
                if (step <= current + 1)
                {
                    _lastUsed = step;
                    return _totp.Compute(_secret, step);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}
