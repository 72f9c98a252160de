using Skyhook.Controller.Events;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests.Export;

/// <summary>An in-memory stand-in for the event store: ids from 1 in the order events are added.</summary>
internal sealed class FakeEventFeed : IEventFeed
{
    private readonly Lock _lock = new();
    private readonly List<StoredEvent> _events = [];

    /// <summary>When set, reads throw it (the database is away).</summary>
    public Exception? Failure { get; set; }

    public StoredEvent Add(string? gateway, TelemetryEvent e)
    {
        lock (_lock)
        {
            var stored = new StoredEvent(_events.Count + 1, gateway, e);
            _events.Add(stored);
            return stored;
        }
    }

    public void AddFlows(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Add("gw1", SampleEvents.Flow.Event with { Sequence = i + 1 });
        }
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long afterId, int max, CancellationToken cancellationToken)
    {
        if (Failure is { } failure)
        {
            throw failure;
        }

        lock (_lock)
        {
            IReadOnlyList<StoredEvent> batch = [.. _events.Where(e => e.Id > afterId).Take(max)];
            return Task.FromResult(batch);
        }
    }

    public Task<long> NewestIdAsync(CancellationToken cancellationToken)
    {
        if (Failure is { } failure)
        {
            throw failure;
        }

        lock (_lock)
        {
            return Task.FromResult(_events.Count == 0 ? 0L : _events[^1].Id);
        }
    }
}
