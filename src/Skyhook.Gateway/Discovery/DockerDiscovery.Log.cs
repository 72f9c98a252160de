using Microsoft.Extensions.Logging;

namespace Skyhook.Gateway.Discovery;

public sealed partial class DockerDiscovery
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4500, Level = LogLevel.Information, Message = "Discovery watching Docker engines {Endpoints}")]
        public static partial void Watching(ILogger logger, string endpoints);

        [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "Discovered endpoints version {Version}: {Count} containers ({Added} new or changed, {Removed} gone or changed)")]
        public static partial void Changed(ILogger logger, long version, int count, int added, int removed);

        [LoggerMessage(EventId = 4502, Level = LogLevel.Debug, Message = "Engine {Endpoint} read: {Containers} containers on overlays, {Tasks} swarm tasks")]
        public static partial void EngineRead(ILogger logger, string endpoint, int containers, int? tasks);

        [LoggerMessage(EventId = 4503, Level = LogLevel.Warning, Message = "Engine {Endpoint} cannot be read: {Error}; keeping its last known {Kept} containers and retrying")]
        public static partial void EngineUnreachable(ILogger logger, string endpoint, string error, int kept);

        [LoggerMessage(EventId = 4504, Level = LogLevel.Debug, Message = "Engine {Endpoint} still cannot be read: {Error}")]
        public static partial void EngineStillUnreachable(ILogger logger, string endpoint, string error);

        [LoggerMessage(EventId = 4505, Level = LogLevel.Information, Message = "Engine {Endpoint} can be read again")]
        public static partial void EngineBack(ILogger logger, string endpoint);

        [LoggerMessage(EventId = 4506, Level = LogLevel.Warning, Message = "Events from engine {Endpoint} stopped: {Reason}; reconnecting in {Seconds:0.0} s")]
        public static partial void EventsLost(ILogger logger, string endpoint, string reason, double seconds);

        [LoggerMessage(EventId = 4507, Level = LogLevel.Debug, Message = "Events from engine {Endpoint} still unavailable: {Reason}; reconnecting in {Seconds:0.0} s")]
        public static partial void EventsStillLost(ILogger logger, string endpoint, string reason, double seconds);

        [LoggerMessage(EventId = 4508, Level = LogLevel.Trace, Message = "Engine {Endpoint}: {Event}")]
        public static partial void Event(ILogger logger, string endpoint, string @event);
    }
}
