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

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ControllerDbContext).Assembly);

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
