using System.Collections.Concurrent;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>An <see cref="IEventSink"/> that keeps what it is given, for tests to look at.</summary>
internal sealed class RecordingEventSink : IEventSink
{
    private readonly ConcurrentQueue<TelemetryEvent> _events = new();

    public IReadOnlyList<TelemetryEvent> Events => [.. _events];

    public void Publish(TelemetryEvent telemetryEvent) => _events.Enqueue(telemetryEvent);
}
