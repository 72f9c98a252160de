namespace Skyhook.Controller.Events;

/// <summary>The store read in storage order, for whatever follows it (the exporters, a live tail).</summary>
public interface IEventFeed
{
    /// <summary>At most <paramref name="max"/> events with ids above <paramref name="afterId"/>, ascending; empty when there are none yet.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long afterId, int max, CancellationToken cancellationToken);

    /// <summary>The newest event's id now; 0 when the store is empty.</summary>
    public Task<long> NewestIdAsync(CancellationToken cancellationToken);
}
