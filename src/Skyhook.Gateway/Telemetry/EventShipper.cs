using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Retries;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Ships the spool to the controller: the oldest events it has not acknowledged, in batches of at
/// most <see cref="TelemetryBatch.MaxEvents"/> and about <see cref="EventSpool.MaxReadBytes"/>, one
/// after another while there are more; the answer's acknowledged sequence trims the spool. Idle, it
/// waits for the next event plus <see cref="TelemetryOptions.BatchDelayMilliseconds"/> (so that a
/// burst goes in one request), or <see cref="IdleWait"/> at most. A batch that fails (controller
/// down, 5xx, 404 from a controller without the endpoint, no answer in time) stays in the spool and
/// is sent again after a backoff of up to <see cref="MaxBackoff"/>; the controller ignores the events
/// it already holds, so a batch whose answer was lost doubles nothing. One warning per outage, one
/// line when shipping resumes.
/// </summary>
public sealed partial class EventShipper(
    Func<TelemetryBatch, CancellationToken, Task<TelemetryAck>> send,
    EventSpool spool,
    IOptions<TelemetryOptions> options,
    TimeProvider time,
    ILogger<EventShipper> logger) : BackgroundService
{
    public static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public EventShipper(ControllerApi api, EventSpool spool, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<EventShipper> logger)
        : this(api.SendEventsAsync, spool, options, time, logger)
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batchDelay = TimeSpan.FromMilliseconds(options.Value.BatchDelayMilliseconds);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), MaxBackoff);
        var failing = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var published = spool.WhenPublished();
                var shipped = false;
                try
                {
                    shipped = await ShipOnceAsync(stoppingToken);
                    if (failing)
                    {
                        Log.Resumed(logger, spool.PendingEvents);
                    }
                    failing = false;
                    backoff.Reset();
                }
                catch (ControllerApiException ex)
                {
                    if (!failing)
                    {
                        Log.Failed(logger, ex.Message, spool.PendingEvents);
                    }
                    failing = true;
                    await Task.Delay(backoff.Next(), time, stoppingToken);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The spool's disk, or a bug: shipping must go on, and never take the gateway down.
                    Log.Unexpected(logger, ex.Message, ex);
                    await Task.Delay(backoff.Next(), time, stoppingToken);
                    continue;
                }
                if (shipped)
                {
                    continue;
                }
                // Nothing to send: wait for an event, then a moment for the ones that follow it.
                var idle = Task.Delay(IdleWait, time, stoppingToken);
                if (await Task.WhenAny(published, idle) == published && batchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(batchDelay, time, stoppingToken);
                }
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Whatever was not acknowledged is in the spool for the next start.
        }
    }

    /// <summary>Sends one batch; false when there was nothing to send.</summary>
    private async Task<bool> ShipOnceAsync(CancellationToken cancellationToken)
    {
        var events = spool.Read(spool.Acknowledged, TelemetryBatch.MaxEvents);
        var dropped = spool.Dropped;
        if (events.Count == 0 && dropped == 0)
        {
            return false;
        }
        var ack = await send(new TelemetryBatch(events, dropped), cancellationToken);
        spool.Acknowledge(ack.Acknowledged);
        spool.DroppedReported(dropped);
        if (events.Count > 0 && ack.Acknowledged < events[^1].Sequence)
        {
            // A controller that keeps less than it was sent would have the same batch sent at once, forever.
            throw new ControllerApiException($"the controller acknowledged telemetry up to {ack.Acknowledged} of a batch up to {events[^1].Sequence}", System.Net.HttpStatusCode.OK);
        }
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4820, Level = LogLevel.Warning, Message = "Shipping telemetry failed: {Error}; {Pending} events kept in the spool, retrying quietly until it works again")]
        public static partial void Failed(ILogger logger, string error, long pending);

        [LoggerMessage(EventId = 4821, Level = LogLevel.Information, Message = "Telemetry reaches the controller again; {Pending} events still to send")]
        public static partial void Resumed(ILogger logger, long pending);

        [LoggerMessage(EventId = 4822, Level = LogLevel.Error, Message = "Shipping telemetry failed: {Error}; retrying")]
        public static partial void Unexpected(ILogger logger, string error, Exception exception);
    }
}
