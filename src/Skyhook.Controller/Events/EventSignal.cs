namespace Skyhook.Controller.Events;

/// <summary>
/// Wakes this process's followers (<c>GET /api/v1/events?after=ID&amp;wait=S</c>) when ingest stored
/// events. Per process: followers also read the store every second for what other replicas stored.
/// </summary>
public sealed class EventSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
