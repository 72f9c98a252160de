using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Events;

/// <summary>
/// <see cref="IEventFeed"/> over the database. A singleton that opens a scope per read, so that a
/// <see cref="BackgroundService"/> (an exporter) can hold it for its whole life.
/// </summary>
internal sealed class DatabaseEventFeed(IServiceScopeFactory scopes) : IEventFeed
{
    public async Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long afterId, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControllerDbContext>();
        var rows = await db.Events.AsNoTracking().Where(e => e.Id > afterId).OrderBy(e => e.Id).Take(max).ToListAsync(cancellationToken);
        return rows.Select(EventRows.ToStored).ToList();
    }

    public async Task<long> NewestIdAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControllerDbContext>();
        return await db.Events.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;
    }
}
