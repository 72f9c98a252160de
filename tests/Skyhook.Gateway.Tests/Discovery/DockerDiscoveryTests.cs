using Skyhook.Gateway.Discovery;

namespace Skyhook.Gateway.Tests.Discovery;

/// <summary>The discovery loops over fake engines: events, debounce, publishing only changes, engines that fail.</summary>
public sealed class DockerDiscoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DiscoveryOptions Options => new() { DockerEndpoints = ["unix:///fake.sock"], DebounceMilliseconds = 20, ResyncSeconds = 3600, MaxRetrySeconds = 1 };

    private static string Names(EndpointSnapshot snapshot) =>
        string.Join(",", snapshot.Endpoints.Select(e => $"{e.Facts.Container}@{e.Addresses[0]}"));

    [Fact]
    public async Task Start_EngineWithContainers_FirstSnapshotIsVersionOne()
    {
        var engine = new FakeEngine("a");
        engine.Show(("web2", "10.0.0.4"), ("web1", "10.0.0.2"));
        using var discovery = new DockerDiscovery([engine], Options, new RecordingLogger<DockerDiscovery>(output), TimeProvider.System);

        await discovery.StartAsync(Cancel);
        var snapshot = await discovery.WaitForChangeAsync(0, Cancel).WaitAsync(Timeout, Cancel);
        await discovery.StopAsync(Cancel);

        Assert.Equal(1, snapshot.Version);
        Assert.Equal("web1@10.0.0.2,web2@10.0.0.4", Names(snapshot));
        Assert.Same(snapshot, discovery.Current);
    }

    [Fact]
    public async Task Event_ContainerMoved_NewVersion_EventWithoutChange_NoNewVersion()
    {
        var engine = new FakeEngine("a");
        engine.Show(("web1", "10.0.0.2"));
        using var discovery = new DockerDiscovery([engine], Options, new RecordingLogger<DockerDiscovery>(output), TimeProvider.System);
        await discovery.StartAsync(Cancel);
        var first = await discovery.WaitForChangeAsync(0, Cancel).WaitAsync(Timeout, Cancel);

        engine.Show(("web1", "10.0.0.3"));
        engine.Event("container start web1");
        var second = await discovery.WaitForChangeAsync(first.Version, Cancel).WaitAsync(Timeout, Cancel);

        var reads = engine.Reads;
        engine.Event("container rename web1");
        await WaitForReadsAsync(engine, reads + 1);
        await Task.Delay(100, Cancel);
        await discovery.StopAsync(Cancel);

        Assert.Equal((2L, "web1@10.0.0.3"), (second.Version, Names(second)));
        Assert.Same(second, discovery.Current);
    }

    [Fact]
    public async Task Event_Burst_OneRead()
    {
        var engine = new FakeEngine("a");
        var options = Options;
        options.DebounceMilliseconds = 300;
        using var discovery = new DockerDiscovery([engine], options, new RecordingLogger<DockerDiscovery>(output), TimeProvider.System);
        await discovery.StartAsync(Cancel);
        await WaitForReadsAsync(engine, 1);
        await Task.Delay(400, Cancel);
        var reads = engine.Reads;

        foreach (var action in new[] { "kill", "die", "disconnect", "destroy" })
        {
            engine.Event("container " + action + " web1");
        }
        await WaitForReadsAsync(engine, reads + 1);
        await Task.Delay(500, Cancel);
        await discovery.StopAsync(Cancel);

        Assert.Equal(reads + 1, engine.Reads);
    }

    [Fact]
    public async Task Read_EngineFails_LastKnownKeptWarnedAndRetriedUntilBack()
    {
        var down = new FakeEngine("down");
        var up = new FakeEngine("up");
        down.Show(("web2", "10.0.0.4"));
        up.Show(("web1", "10.0.0.2"));
        var logger = new RecordingLogger<DockerDiscovery>(output);
        using var discovery = new DockerDiscovery([down, up], Options, logger, TimeProvider.System);
        await discovery.StartAsync(Cancel);
        await Eventually.True(() => Names(discovery.Current) == "web1@10.0.0.2,web2@10.0.0.4", "both engines' containers", Timeout, Cancel);
        var version = discovery.Current.Version;

        down.Fail(new HttpRequestException("Connection refused"));
        down.Event("container die web2");
        await Eventually.True(() => logger.All.Contains("4503", StringComparison.Ordinal), "a warning that engine 'down' cannot be read", Timeout, Cancel);
        Assert.Equal(version, discovery.Current.Version);
        Assert.Contains("Engine down cannot be read: Connection refused; keeping its last known 1 containers", logger.All, StringComparison.Ordinal);

        down.Show(("web2", "10.0.0.5"));
        down.Fail(null);
        var back = await discovery.WaitForChangeAsync(version, Cancel).WaitAsync(Timeout, Cancel);
        await discovery.StopAsync(Cancel);

        Assert.Equal("web1@10.0.0.2,web2@10.0.0.5", Names(back));
        Assert.Contains("Engine down can be read again", logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForChange_Cancelled_Throws()
    {
        var engine = new FakeEngine("a");
        using var discovery = new DockerDiscovery([engine], Options, new RecordingLogger<DockerDiscovery>(output), TimeProvider.System);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => discovery.WaitForChangeAsync(0, cancel.Token));
        Assert.Equal(EndpointSnapshot.Empty, discovery.Current);
    }

    [Fact]
    public void Dispose_DisposesTheEngines()
    {
        var engine = new FakeEngine("a");
        var discovery = new DockerDiscovery([engine], Options, new RecordingLogger<DockerDiscovery>(output), TimeProvider.System);

        discovery.Dispose();

        Assert.True(engine.Disposed);
    }

    private static Task WaitForReadsAsync(FakeEngine engine, int reads) =>
        Eventually.True(() => engine.Reads >= reads, $"{reads} reads of engine {engine.Endpoint}", Timeout, Cancel);
}
