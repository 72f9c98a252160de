using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Where the gateway's event sources (sessions, flows, DNS, web) put what they saw. The sink numbers
/// each event (its <see cref="TelemetryEvent.Sequence"/> is ignored) and has it on disk before
/// <see cref="Publish"/> returns; shipping to the controller happens later, from the disk. Never
/// throws and never blocks on the network: a source calls it on its own hot path.
/// </summary>
public interface IEventSink
{
    public void Publish(TelemetryEvent telemetryEvent);
}
