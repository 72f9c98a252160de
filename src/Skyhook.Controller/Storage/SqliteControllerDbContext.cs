using Microsoft.EntityFrameworkCore;

namespace Skyhook.Controller.Storage;

/// <summary>The embedded default; migrations in <c>Storage/Migrations/Sqlite</c>.</summary>
public sealed class SqliteControllerDbContext(DbContextOptions<SqliteControllerDbContext> options)
    : ControllerDbContext(options);
