using Microsoft.EntityFrameworkCore;

namespace Skyhook.Controller.Storage;

/// <summary>
/// The controller's state. One subclass per provider (<see cref="SqliteControllerDbContext"/>,
/// <see cref="PostgresControllerDbContext"/>) so that each has its own migrations; the rest of the
/// controller only sees this type.
/// </summary>
public abstract class ControllerDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<UserEntity> Users => Set<UserEntity>();

    public DbSet<ProfileEntity> Profiles => Set<ProfileEntity>();

    public DbSet<ProfileRuleEntity> ProfileRules => Set<ProfileRuleEntity>();

    public DbSet<ApiTokenEntity> ApiTokens => Set<ApiTokenEntity>();

    public DbSet<AuditEntity> Audit => Set<AuditEntity>();

    public DbSet<SetupTokenEntity> SetupTokens => Set<SetupTokenEntity>();

    public DbSet<LoginThrottleEntity> LoginThrottles => Set<LoginThrottleEntity>();

    public DbSet<GatewayGroupEntity> GatewayGroups => Set<GatewayGroupEntity>();

    public DbSet<GatewayEntity> Gateways => Set<GatewayEntity>();

    public DbSet<RevisionEntity> Revisions => Set<RevisionEntity>();

    public DbSet<ControllerKeyEntity> ControllerKeys => Set<ControllerKeyEntity>();

    public DbSet<EndedSessionEntity> EndedSessions => Set<EndedSessionEntity>();

    public DbSet<EventEntity> Events => Set<EventEntity>();

    // Any constant of this application's own: the advisory lock that orders event inserts.
    private const string EventsLockKey = "5736001";

    /// <summary>Told after a commit that moved the revision; set by the DI registration, null at design time.</summary>
    internal RevisionSignal? Signal { get; set; }

    /// <summary>Told after a commit of its own that added events; set by the DI registration, null at design time.</summary>
    internal EventSignal? EventSignal { get; set; }

    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) =>
        Revisions.AsNoTracking().Where(r => r.Id == RevisionEntity.SingletonId).Select(r => r.Value).SingleAsync(cancellationToken);

    /// <summary>
    /// Saves, and when the changes concern gateways (profiles, users' name/profile/enabled, groups,
    /// gateways, ended sessions) increments the revision in the same transaction. The increment is an UPDATE of one
    /// row, which also orders concurrent writers: revisions follow commit order.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        var concernsGateways = ConcernsGateways();
        var addsEvents = ChangeTracker.Entries<EventEntity>().Any(e => e.State == EntityState.Added);
        if (!concernsGateways && !addsEvents)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        if (Database.CurrentTransaction is not null)
        {
            // The caller's transaction commits later; a poll woken now may find nothing new yet,
            // and the revision watcher wakes it again once the commit is visible.
            await SaveInTransactionAsync(concernsGateways, addsEvents, cancellationToken);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            NotifyRevision(concernsGateways);
            return saved;
        }

        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await SaveInTransactionAsync(concernsGateways, addsEvents, cancellationToken);
        var count = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        NotifyRevision(concernsGateways);
        if (addsEvents)
        {
            EventSignal?.Notify();
        }

        return count;
    }

    /// <summary>
    /// Orders the transactions that insert events (call inside one, before its inserts): ids must
    /// become visible in ascending order, or a reader following "after id" would step over an
    /// event committed late. PostgreSQL hands out ids at insert, so inserting transactions take one
    /// advisory lock in turn; SQLite has one writer at a time already.
    /// </summary>
    public async Task LockEventsAsync(CancellationToken cancellationToken)
    {
        if (Database.IsNpgsql())
        {
            await Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(" + EventsLockKey + ")", cancellationToken);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync: it keeps the desired-state revision.");

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ControllerDbContext).Assembly);

    private async Task SaveInTransactionAsync(bool concernsGateways, bool addsEvents, CancellationToken cancellationToken)
    {
        // The events lock first, always: every transaction takes the two in the same order.
        if (addsEvents)
        {
            await LockEventsAsync(cancellationToken);
        }

        if (concernsGateways)
        {
            await BumpRevisionAsync(cancellationToken);
        }
    }

    private void NotifyRevision(bool concernsGateways)
    {
        if (concernsGateways)
        {
            Signal?.Notify();
        }
    }

    private Task<int> BumpRevisionAsync(CancellationToken cancellationToken) =>
        Revisions.Where(r => r.Id == RevisionEntity.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Value, r => r.Value + 1), cancellationToken);

    private bool ConcernsGateways() => ChangeTracker.Entries().Any(entry => entry.State switch
    {
        EntityState.Added or EntityState.Deleted => entry.Entity is ProfileEntity or ProfileRuleEntity or UserEntity or GatewayGroupEntity or GatewayEntity or EndedSessionEntity,
        EntityState.Modified => entry.Entity switch
        {
            ProfileEntity or ProfileRuleEntity or GatewayGroupEntity or GatewayEntity => true,
            UserEntity => entry.Property(nameof(UserEntity.Name)).IsModified
                || entry.Property(nameof(UserEntity.Enabled)).IsModified
                || entry.Property(nameof(UserEntity.ProfileId)).IsModified,
            _ => false,
        },
        _ => false,
    });

    // The version is the concurrency token: the UPDATE carries "WHERE Version = <read value>", and
    // the new value is the read one plus one.
    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                var version = entry.Property(e => e.Version);
                version.CurrentValue = version.OriginalValue + 1;
            }
        }
    }
}
