using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Skyhook.Controller.Storage;

/// <summary>For <c>dotnet ef migrations add NAME --context PostgresControllerDbContext</c>; never connects.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresControllerDbContext>
{
    public PostgresControllerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresControllerDbContext>().UseNpgsql("Host=localhost;Database=skyhook").Options);
}
