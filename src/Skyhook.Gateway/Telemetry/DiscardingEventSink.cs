using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Telemetry;

/// <summary>The sink when <see cref="TelemetryOptions.Enabled"/> is false: every event is forgotten at once.</summary>
public sealed class DiscardingEventSink : IEventSink
{
    public void Publish(TelemetryEvent telemetryEvent)
    {
    }
}
