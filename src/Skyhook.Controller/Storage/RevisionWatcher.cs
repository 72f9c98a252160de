using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.GatewayApi;

namespace Skyhook.Controller.Storage;

/// <summary>
/// Reads the revision counter every <see cref="GatewayApiOptions.RevisionPollInterval"/> and wakes
/// the long polls when it moved: the way a change made through another replica (PostgreSQL) reaches
/// the gateways polling this one.
/// </summary>
internal sealed class RevisionWatcher(
    IServiceScopeFactory scopes,
    RevisionSignal signal,
    TimeProvider time,
    IOptions<GatewayApiOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RevisionPollInterval, time, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ControllerDbContext>();
                var current = await db.CurrentRevisionAsync(stoppingToken);
                // The first reading also wakes the polls: a change made before it would otherwise
                // become the baseline unnoticed. A wake with nothing new only makes a poll look again.
                if (current != last)
                {
                    signal.Notify();
                }

                last = current;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The database is away for a moment: the next round tries again; in-process changes
                // still wake the polls directly.
            }
        }
    }
}
