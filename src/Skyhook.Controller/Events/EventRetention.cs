using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Events;

/// <summary>
/// Deletes events older than <see cref="EventsOptions.RetentionDays"/>, at start and every hour, in
/// chunks so that no statement holds the table for long. With several replicas each prunes; the
/// deletes overlap harmlessly.
/// </summary>
internal sealed partial class EventRetention(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<EventsOptions> options,
    ILogger<EventRetention> logger) : BackgroundService
{
    /// <summary>Rows deleted per statement.</summary>
    public const int Chunk = 10_000;

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await PruneAsync(stoppingToken);
                if (pruned > 0)
                {
                    Log.Pruned(logger, pruned, options.Value.RetentionDays);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The database is away for a moment (or migrations are still running): next hour.
                Log.Failed(logger, ex);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays)).ToUnixTimeMilliseconds();
        long total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ControllerDbContext>();
            var deleted = await db.Events.Where(e => e.AtMs < cutoff).OrderBy(e => e.Id).Take(Chunk).ExecuteDeleteAsync(cancellationToken);
            total += deleted;
            if (deleted < Chunk)
            {
                return total;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.EventsPruned, LogLevel.Information, "Deleted {Count} events older than {Days} days.")]
        public static partial void Pruned(ILogger logger, long count, int days);

        [LoggerMessage(ControllerEventIds.EventRetentionFailed, LogLevel.Warning, "Deleting old events failed; trying again in an hour.")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
