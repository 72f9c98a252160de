using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Skyhook.Gateway.Dns;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Telemetry;
using Skyhook.Linux;

namespace Skyhook.Gateway.Tests.Telemetry;

/// <summary>What <c>AddTelemetry</c> registers, and what the heartbeat tells of the spool.</summary>
public sealed class TelemetryHostExtensionsTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("skyhook-telemetry-");
    private readonly ControllerApi _api = Api();

    public void Dispose()
    {
        _api.Dispose();
        _data.Delete(recursive: true);
    }

    private static ControllerApi Api()
    {
        Assert.True(ControllerEndpoint.TryCreate("http://127.0.0.1:9/", "sha256:" + new string('0', 64), false, out var endpoint, out _));
        return new ControllerApi(endpoint, "skyhook_gw_test", Timeout.InfiniteTimeSpan);
    }

    private IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }
        builder.Services.AddLogging();
        builder.Services.AddSingleton(new GatewayFiles(_data.FullName));
        builder.Services.AddSingleton(_api);
        builder.AddTelemetry();
        return builder.Build();
    }

    [Fact]
    public void AddTelemetry_Default_SpoolUnderTheDataDirectoryAndAShipper()
    {
        using var host = Build();

        var spool = Assert.IsType<EventSpool>(host.Services.GetRequiredService<IEventSink>());
        Assert.Equal(Path.Combine(_data.FullName, "spool"), spool.Location);
        Assert.True(Directory.Exists(spool.Location));
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is EventShipper);
    }

    [Fact]
    public void AddTelemetry_Disabled_EventsDiscarded_NothingShipped()
    {
        using var host = Build(("Telemetry:Enabled", "false"));

        Assert.IsType<DiscardingEventSink>(host.Services.GetRequiredService<IEventSink>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is EventShipper);
        Assert.False(Directory.Exists(Path.Combine(_data.FullName, "spool")));
    }

    [Fact]
    public async Task AddTelemetry_Disabled_FlowSourcesNotStarted_DnsQueriesOnlyLogged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var processes = new RecordingLogger<ProcessRunner>(output);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Telemetry:Enabled"] = "false";
        builder.Services.AddLogging();
        builder.Services.AddSingleton(new GatewayFiles(_data.FullName));
        builder.Services.AddSingleton(new ProcessRunner(processes));
        builder.Services.AddSingleton(TimeProvider.System);
        // A namespace that is not there: had a source started, it could not touch the host's settings.
        builder.Services.AddOptions<OverlayOptions>().Configure(o => o.HostNetworkNamespace = "skyhook-absent-" + Guid.NewGuid().ToString("N")[..8]);
        builder.AddTelemetry();
        builder.AddFlowTelemetry();
        builder.AddDns();
        using var host = builder.Build();
        var telemetry = host.Services.GetRequiredService<FlowTelemetry>();

        await telemetry.StartAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        await telemetry.StopAsync(cancellationToken);

        Assert.False(telemetry.ConntrackRunning);
        Assert.Equal(0, telemetry.GroupsBound);
        Assert.Empty(processes.Lines);
        Assert.IsType<DnsQueryLogger>(host.Services.GetRequiredService<IDnsQueryObserver>());
    }

    [Fact]
    public async Task AddTelemetry_SpoolLimitZero_StartFails()
    {
        using var host = Build(("Telemetry:SpoolLimitMegabytes", "0"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("SpoolLimitMegabytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_TellsPendingAndDroppedEvents()
    {
        using var spool = new EventSpool(Path.Combine(_data.FullName, "spool"), 1000, TimeProvider.System, new RecordingLogger<EventSpool>(output));
        for (var i = 1; i <= 10; i++)
        {
            spool.Publish(EventSpoolTests.Query(i));
        }
        var heartbeats = new HeartbeatService(_api, new SyncStatus(), [], Options.Create(new GatewayOptions()), TimeProvider.System,
            new RecordingLogger<HeartbeatService>(output), spool: spool);

        var heartbeat = await heartbeats.CurrentAsync(TestContext.Current.CancellationToken);

        Assert.True(spool.LastSequence is > 0 and < 10);
        Assert.Equal((spool.LastSequence, 10 - spool.LastSequence), (heartbeat.EventsPending, heartbeat.EventsDropped));
    }
}
