using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Events.Export;

public sealed partial class EventExporter
{
    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.ExportStarted, LogLevel.Information, "Exporting events to {Sink} ({Target}) after event {Cursor}.")]
        public static partial void Started(ILogger logger, string sink, string target, long cursor);

        [LoggerMessage(ControllerEventIds.ExportStartedWithoutCursor, LogLevel.Information, "Exporting events to {Sink} ({Target}) for the first time, from the store's {StartAt}: after event {Cursor}.")]
        public static partial void StartedWithoutCursor(ILogger logger, string sink, string target, string startAt, long cursor);

        [LoggerMessage(ControllerEventIds.ExportFailing, LogLevel.Warning, "Export to {Sink} ({Target}) failed while {Step}; retrying with backoff, nothing is skipped.")]
        public static partial void Failing(ILogger logger, string sink, string target, string step, Exception exception);

        [LoggerMessage(ControllerEventIds.ExportRecovered, LogLevel.Information, "Export to {Sink} recovered after {Outage}; now after event {Cursor}.")]
        public static partial void Recovered(ILogger logger, string sink, TimeSpan outage, long cursor);

        [LoggerMessage(ControllerEventIds.ExportCursorUnreadable, LogLevel.Error, "Export to {Sink} stopped: its cursor {Path} cannot be read. Fix or remove the file (StartAt then decides where it starts) and restart.")]
        public static partial void CursorUnreadable(ILogger logger, string sink, string path, Exception exception);
    }
}
