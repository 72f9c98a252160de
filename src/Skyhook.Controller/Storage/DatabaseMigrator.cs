using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Storage;

/// <summary>
/// Applies the provider's migrations at start, before the server listens (hosted services start
/// before the web server). A failure stops the process: serving on a half-migrated schema would
/// corrupt state.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopes,
    IOptions<StorageOptions> storage,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControllerDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        Log.Migrated(logger, storage.Value.Provider, pending.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(ControllerEventIds.StorageReady, LogLevel.Information, "Storage {Provider} is ready; {Count} migration(s) applied.")]
        public static partial void Migrated(ILogger logger, string provider, int count);
    }
}
