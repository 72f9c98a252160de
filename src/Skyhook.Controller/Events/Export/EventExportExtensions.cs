using Microsoft.Extensions.Options;
using Skyhook.Controller.Hosting;

namespace Skyhook.Controller.Events.Export;

public static class EventExportExtensions
{
    /// <summary>
    /// Settings <c>Events:Syslog</c> and <c>Events:JsonLines</c> (validated at start), and one
    /// <see cref="EventExporter"/> per sink that is switched on. Both are off by default, and then
    /// nothing here needs the event store.
    /// </summary>
    public static IHostApplicationBuilder AddEventExport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyslogExportOptions>()
            .BindConfiguration(SyslogExportOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<JsonLinesExportOptions>()
            .BindConfiguration(JsonLinesExportOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Registered as plain IHostedService singletons: AddHostedService would keep only the first
        // of two registrations of the same type.
        if (builder.Configuration.GetValue<bool>($"{SyslogExportOptions.Section}:{nameof(SyslogExportOptions.Enabled)}"))
        {
            builder.Services.AddSingleton<IHostedService>(services =>
            {
                var options = services.GetRequiredService<IOptions<SyslogExportOptions>>().Value;
                var formatter = new SyslogFormatter(SyslogFacilities.Parse(options.Facility)!.Value, Environment.MachineName);
                return Exporter(services, new SyslogSink(options, formatter), options.StartAt);
            });
        }

        if (builder.Configuration[$"{JsonLinesExportOptions.Section}:{nameof(JsonLinesExportOptions.Path)}"] is { Length: > 0 })
        {
            builder.Services.AddSingleton<IHostedService>(services =>
            {
                var options = services.GetRequiredService<IOptions<JsonLinesExportOptions>>().Value;
                return Exporter(services, new JsonLinesSink(options.Path!), options.StartAt);
            });
        }

        return builder;
    }

    private static EventExporter Exporter(IServiceProvider services, IExportSink sink, string startAt)
    {
        var data = services.GetRequiredService<IOptions<ControllerOptions>>().Value.DataDirectory;
        var folder = DataDirectory.Ensure(Path.Combine(DataDirectory.Ensure(data), "export"));
        return new EventExporter(
            sink,
            services.GetRequiredService<IEventFeed>(),
            new ExportCursor(Path.Combine(folder, sink.Name + ".cursor")),
            startAt,
            ExportSchedule.Default,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<EventExporter>>());
    }
}
