using System.Diagnostics;

namespace Skyhook.Lab;

/// <summary>Waits for host or cluster state the lab has asked for, reading only.</summary>
internal static class Poll
{
    /// <summary>
    /// Calls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> throws a
    /// <see cref="LabException"/> whose message is <paramref name="failure"/>'s answer.
    /// </summary>
    public static async Task UntilAsync(
        Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, Func<string> failure, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition(cancellationToken))
        {
            if (clock.Elapsed > timeout)
            {
                throw new LabException(failure());
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
