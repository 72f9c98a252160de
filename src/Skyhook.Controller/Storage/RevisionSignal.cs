namespace Skyhook.Controller.Storage;

/// <summary>
/// Wakes the long polls of this process when the revision may have moved: after a local commit that
/// bumped it, or when <see cref="RevisionWatcher"/> sees another replica's change.
/// </summary>
public sealed class RevisionSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
