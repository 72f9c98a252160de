using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skyhook.Controller.Events;

namespace Skyhook.Controller.Tests.Export;

/// <summary>The export as the controller wires it: settings to exporters, the cursor under the data directory.</summary>
public sealed class EventExportHostTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "skyhook-controller-export-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Controller_JsonLinesPath_ExportsFromTheFeedWithCursorInDataDirectory()
    {
        var path = Path.Combine(_dataDirectory, "out", "events.jsonl");
        var feed = new FakeEventFeed();
        feed.AddFlows(3);
        var logs = new CapturedLogs();
        await using var factory = ControllerHost.Create(_dataDirectory, ControllerDatabase.Sqlite, TimeProvider.System, logs, builder =>
        {
            builder.UseSetting("Events:JsonLines:Path", path);
            builder.ConfigureTestServices(services => services.AddSingleton<IEventFeed>(feed));
        });

        ControllerHost.Start(factory, logs);

        await Eventually.HoldsAsync(() => File.Exists(path) && File.ReadAllLines(path).Length == 3, "the controller writes the 3 events to the file");
        var cursor = Path.Combine(_dataDirectory, "export", "jsonlines.cursor");
        await Eventually.HoldsAsync(() => File.Exists(cursor) && File.ReadAllText(cursor).Trim() == "3", "the cursor in DATA/export records event 3");
        Assert.Contains(logs.Lines, l => l.Contains("[3702]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Controller_SyslogEnabledWithoutHost_RefusesToStart()
    {
        var logs = new CapturedLogs();
        await using var factory = ControllerHost.Create(_dataDirectory, ControllerDatabase.Sqlite, TimeProvider.System, logs, builder =>
            builder.UseSetting("Events:Syslog:Enabled", "true"));

        var error = Assert.ThrowsAny<OptionsValidationException>(() => ControllerHost.Start(factory, logs));

        Assert.Contains("Events:Syslog:Host is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Controller_NoExportSettings_StartsWithoutAnEventFeed()
    {
        var logs = new CapturedLogs();
        using var factory = ControllerHost.Create(_dataDirectory, ControllerDatabase.Sqlite, TimeProvider.System, logs);

        ControllerHost.Start(factory, logs);

        Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "export")));
    }
}
