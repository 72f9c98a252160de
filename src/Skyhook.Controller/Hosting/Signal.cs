namespace Skyhook.Controller.Hosting;

/// <summary>
/// Wakes whoever waits in this process for something to have happened (long polls): each waiter
/// takes <see cref="Next"/> before it looks, so that a <see cref="Notify"/> in between still wakes it.
/// </summary>
public abstract class Signal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>
    /// Until <paramref name="wake"/> (a <see cref="Next"/> taken before looking) completes or
    /// <paramref name="longest"/> has passed, whichever is first; then the caller looks again.
    /// </summary>
    public static async Task WaitAsync(Task wake, TimeSpan longest, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(wake, Task.Delay(longest, time, stop.Token));
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
