using Microsoft.Extensions.Logging;

namespace Skyhook.Gateway.Overlay;

public sealed partial class OverlayReconciler
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Joining the swarm at {Manager} as a worker")]
        public static partial void JoiningSwarm(ILogger logger, string manager);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Joined the swarm at {Manager} as node {NodeId}")]
        public static partial void JoinedSwarm(ILogger logger, string manager, string nodeId);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Left the swarm (node {NodeId}); its entry stays on the managers until removed there")]
        public static partial void LeftSwarm(ILogger logger, string nodeId);

        [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Overlay {Network}: anchor {ContainerId} created at {Address}")]
        public static partial void AnchorCreated(ILogger logger, string network, string containerId, string address);

        [LoggerMessage(EventId = 4204, Level = LogLevel.Debug, Message = "Overlay {Network}: adopted the running anchor {ContainerId}")]
        public static partial void AnchorAdopted(ILogger logger, string network, string containerId);

        [LoggerMessage(EventId = 4205, Level = LogLevel.Information, Message = "Overlay {Network}: removed anchor {ContainerId} ({Reason})")]
        public static partial void AnchorRemoved(ILogger logger, string network, string containerId, string reason);

        [LoggerMessage(EventId = 4206, Level = LogLevel.Information, Message = "Overlay {Network}: veth {Interface} created into the anchor")]
        public static partial void VethCreated(ILogger logger, string network, string @interface);

        [LoggerMessage(EventId = 4207, Level = LogLevel.Information, Message = "Overlay {Network}: masquerade out of {Interface} applied in the anchor")]
        public static partial void MasqueradeApplied(ILogger logger, string network, string @interface);

        [LoggerMessage(EventId = 4208, Level = LogLevel.Information, Message = "Overlay {Network}: DOCKER-USER {Rule} added")]
        public static partial void RuleAdded(ILogger logger, string network, string rule);

        [LoggerMessage(EventId = 4209, Level = LogLevel.Debug, Message = "Overlay {Network}: attached (anchor {ContainerId} at {Address}, veth {Interface})")]
        public static partial void OverlayAttached(ILogger logger, string network, string containerId, string address, string @interface);

        [LoggerMessage(EventId = 4210, Level = LogLevel.Information, Message = "Overlay {Network}: detached")]
        public static partial void OverlayDetached(ILogger logger, string network);

        [LoggerMessage(EventId = 4211, Level = LogLevel.Warning, Message = "Overlay {Network}: {Error}")]
        public static partial void OverlayFailed(ILogger logger, string network, string error);

        [LoggerMessage(EventId = 4212, Level = LogLevel.Information, Message = "Pulling the anchor image {Image}")]
        public static partial void PullingImage(ILogger logger, string image);
    }
}
