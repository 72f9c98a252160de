using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Skyhook.Controller.Storage;

/// <summary>For <c>dotnet ef migrations add NAME --context SqliteControllerDbContext</c>; never connects.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteControllerDbContext>
{
    public SqliteControllerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteControllerDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
