using Microsoft.EntityFrameworkCore;

namespace Skyhook.Controller.Storage;

/// <summary>For several controller replicas; migrations in <c>Storage/Migrations/Postgres</c>.</summary>
public sealed class PostgresControllerDbContext(DbContextOptions<PostgresControllerDbContext> options)
    : ControllerDbContext(options);
