using Microsoft.Extensions.Logging;
using Skyhook.Core.Contracts;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// The stand-in <see cref="IEventSink"/> while no spool is registered (<c>AddTelemetry</c> replaces
/// it): every event as a Debug log line (4899), nothing kept or shipped.
/// </summary>
public sealed partial class LoggedEventSink(ILogger<LoggedEventSink> logger) : IEventSink
{
    public void Publish(TelemetryEvent telemetryEvent) => Log.Event(logger, telemetryEvent);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4899, Level = LogLevel.Debug, Message = "Telemetry event (no spool registered): {Event}")]
        public static partial void Event(ILogger logger, TelemetryEvent @event);
    }
}
