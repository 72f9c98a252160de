using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// Registers <see cref="ControllerDbContext"/> for the configured provider and a start-up step
    /// that applies that provider's migrations before the server accepts requests.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Both contexts are registered and the provider is chosen when one is resolved, so that
        // configuration added late (tests, environment) still decides.
        builder.Services.AddDbContext<SqliteControllerDbContext>((services, options) =>
            options.UseSqlite(SqliteConnectionString(services)));
        builder.Services.AddDbContext<PostgresControllerDbContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        builder.Services.AddSingleton<RevisionSignal>();
        builder.Services.AddSingleton<EventSignal>();
        builder.Services.AddScoped<ControllerDbContext>(services =>
        {
            ControllerDbContext db = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageOptions.Postgres
                ? services.GetRequiredService<PostgresControllerDbContext>()
                : services.GetRequiredService<SqliteControllerDbContext>();
            db.Signal = services.GetRequiredService<RevisionSignal>();
            db.EventSignal = services.GetRequiredService<EventSignal>();
            return db;
        });
        builder.Services.AddHostedService<DatabaseMigrator>();
        builder.Services.AddHostedService<RevisionWatcher>();
        return builder;
    }

    private static string SqliteConnectionString(IServiceProvider services)
    {
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return storage.ConnectionString;
        }

        var dataDirectory = services.GetRequiredService<IOptions<ControllerOptions>>().Value.DataDirectory;
        return $"Data Source={Path.Combine(dataDirectory, "skyhook.db")};Foreign Keys=True";
    }
}
