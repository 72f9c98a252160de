using System.Collections.Concurrent;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>Keeps every published event in memory, for tests of the event sources.</summary>
internal sealed class RecordingEventSink : IEventSink
{
    private readonly ConcurrentQueue<TelemetryEvent> _events = new();

    public IReadOnlyList<TelemetryEvent> All => [.. _events];

    public void Publish(TelemetryEvent telemetryEvent) => _events.Enqueue(telemetryEvent);
}
