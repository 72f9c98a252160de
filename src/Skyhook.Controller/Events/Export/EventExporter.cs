using Skyhook.Core.Retries;

namespace Skyhook.Controller.Events.Export;

/// <summary>
/// Follows the event store in storage order and hands each batch to one sink, then records the last
/// id the sink took in its cursor file; one exporter per configured sink, so a slow or failed
/// receiver holds up only itself. After a restart it goes on from the cursor: only a batch sent but
/// not yet recorded when the controller stopped is sent again (at-least-once). Without a cursor it
/// starts at the store's beginning or end (<see cref="ExportStart"/>). While the sink or the store
/// fails it retries the same batch with a doubling, jittered backoff, logs one warning per outage and one
/// line when it recovers.
/// </summary>
public sealed partial class EventExporter(
    IExportSink sink,
    IEventFeed feed,
    ExportCursor cursor,
    string startAt,
    ExportSchedule schedule,
    TimeProvider time,
    ILogger<EventExporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? after;
        try
        {
            after = cursor.Load();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Guessing a position could resend the whole store or skip part of it: this sink stops,
            // the rest of the controller goes on.
            Log.CursorUnreadable(logger, sink.Name, cursor.Path, ex);
            return;
        }

        if (after is not null)
        {
            Log.Started(logger, sink.Name, sink.Target, after.Value);
        }

        var backoff = new Backoff(schedule.FirstBackoff, schedule.MaxBackoff);
        DateTimeOffset? outageSince = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var step = "reading the event store";
            try
            {
                if (after is null)
                {
                    after = startAt == ExportStart.End ? await feed.NewestIdAsync(stoppingToken) : 0;
                    cursor.Save(after.Value);
                    Log.StartedWithoutCursor(logger, sink.Name, sink.Target, startAt, after.Value);
                }

                var batch = await feed.ReadAfterAsync(after.Value, schedule.BatchSize, stoppingToken);
                if (batch.Count > 0)
                {
                    step = "sending";
                    await sink.SendAsync(batch, stoppingToken);
                    step = "recording the cursor";
                    cursor.Save(batch[^1].Id);
                    after = batch[^1].Id;
                }

                if (outageSince is not null)
                {
                    Log.Recovered(logger, sink.Name, time.GetUtcNow() - outageSince.Value, after.Value);
                    outageSince = null;
                }

                backoff.Reset();
                if (batch.Count < schedule.BatchSize)
                {
                    await Task.Delay(schedule.PollInterval, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Anything may fail here (the network, TLS, the database, the disk); all of it is
                // retried the same way, and none of it may stop the controller.
                if (outageSince is null)
                {
                    outageSince = time.GetUtcNow();
                    Log.Failing(logger, sink.Name, sink.Target, step, ex);
                }

                try
                {
                    await Task.Delay(backoff.Next(), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
