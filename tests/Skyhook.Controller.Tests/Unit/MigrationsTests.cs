using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Tests.Unit;

/// <summary>Each provider's migrations must describe the current model, or a start would miss a change.</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void SqliteMigrations_CurrentModel_NoPendingChanges()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add NAME --context SqliteControllerDbContext");
    }

    [Fact]
    public void PostgresMigrations_CurrentModel_NoPendingChanges()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add NAME --context PostgresControllerDbContext");
    }
}
