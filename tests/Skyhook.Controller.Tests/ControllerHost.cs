using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Skyhook.Controller.Tests;

/// <summary>Builds an in-process controller on a data directory and database, with a given clock and log sink.</summary>
public static class ControllerHost
{
    public static WebApplicationFactory<Program> Create(
        string dataDirectory, ControllerDatabase database, TimeProvider time, CapturedLogs logs, Action<IWebHostBuilder>? configure = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            configure?.Invoke(builder);
            builder.UseSetting("Controller:DataDirectory", dataDirectory);
            builder.UseSetting("Storage:Provider", database.Provider);
            builder.UseSetting("Storage:ConnectionString", database.ConnectionString);
            // The lowest count the options allow, to keep the suite fast; production uses 600,000.
            builder.UseSetting("Auth:PasswordIterations", "210000");
            // Everything is logged, EF Core's SQL included, so that the secret scan sees it all.
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
            builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(time);
                services.AddSingleton<IStartupFilter, TestSourceAddress>();
            });
        });

    /// <summary>Starts the host and returns the setup token it logged, or null when it logged none.</summary>
    public static string? Start(WebApplicationFactory<Program> factory, CapturedLogs logs)
    {
        _ = factory.Server;
        var line = logs.Lines.LastOrDefault(l => l.Contains("[3101]", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var start = line.IndexOf("setup_", StringComparison.Ordinal);
        var end = line.IndexOf(' ', start);
        return line[start..end];
    }
}
