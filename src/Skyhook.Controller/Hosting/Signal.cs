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

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
