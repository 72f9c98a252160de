using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Tests.Sync;

/// <summary>The sync loop against a FAKE controller that can send what the real one never would: invalid states.</summary>
public sealed class SyncServiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("skyhook-sync-");
    private readonly RecordingReconciler _reconciler = new();
    private readonly SyncStatus _status = new();
    private readonly StubLifetime _lifetime = new();
    private FakeController _controller = null!;
    private ControllerApi _api = null!;

    private DesiredStateCache Cache => new(Path.Combine(_directory.FullName, "desired-state.json"));

    public async ValueTask InitializeAsync()
    {
        _controller = await FakeController.StartAsync(null, TestContext.Current.CancellationToken);
        Assert.True(ControllerEndpoint.TryCreate(_controller.Url, "sha256:" + new string('0', 64), false, out var endpoint, out _));
        _api = new ControllerApi(endpoint, "skyhook_gw_test", Timeout.InfiniteTimeSpan);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _controller.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private SyncService Service(TimeProvider? time = null, ISessionCutter[]? cutters = null) => new(_api, Cache, _status, [_reconciler], cutters ?? [],
        Options.Create(new GatewayOptions { LongPollSeconds = 5, MaxRetrySeconds = 1, ResyncSeconds = 30 }), _lifetime, time ?? TimeProvider.System, new RecordingLogger<SyncService>(output));

    [Fact]
    public async Task Run_NothingNewForResyncInterval_SameStateAppliedAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = Service(time);
        await service.StartAsync(ct);
        await _controller.States.Writer.WriteAsync(States.Valid(1), ct);
        await Eventually.True(() => _status.Applied?.Revision == 1, "revision 1 applied", Wait, ct);
        await Task.Delay(700, ct);
        Assert.Single(_reconciler.Applied);

        time.Advance(TimeSpan.FromSeconds(31));

        // The fake controller answers 304 within 300 ms; the loop then notices the interval passed.
        await Eventually.True(() => _reconciler.Applied.Count == 2, "revision 1 applied again", Wait, ct);
        Assert.Equal([1L, 1L], _reconciler.Applied.Select(a => a.Revision));
        Assert.Null(_status.ApplyError);
        await service.StopAsync(ct);
    }

    [Fact]
    public async Task Run_NewStateWhileAnApplyIsSlow_ItsSessionsCutAtOnce_NewestAppliedAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        var cutter = new RecordingCutter();
        using var service = Service(cutters: [cutter]);
        await service.StartAsync(ct);
        await _controller.States.Writer.WriteAsync(States.Valid(1), ct);
        await Eventually.True(() => _status.Applied?.Revision == 1, "revision 1 applied", Wait, ct);
        Assert.Empty(cutter.Cut);

        var slowHost = new TaskCompletionSource();
        _reconciler.Hold = (2, slowHost.Task);
        await _controller.States.Writer.WriteAsync(States.Valid(2), ct);
        await _controller.States.Writer.WriteAsync(States.Valid(3), ct);

        await Eventually.True(() => cutter.Cut.Contains(3), "revision 3's sessions cut while revision 2 is still being applied", Wait, ct);
        Assert.Equal(1, _status.Applied!.Revision);
        slowHost.SetResult();
        await Eventually.True(() => _status.Applied?.Revision == 3, "revision 3 applied after revision 2", Wait, ct);
        Assert.Equal([1L, 2L, 3L], _reconciler.Applied.Select(a => a.Revision));
        await service.StopAsync(ct);
    }

    [Fact]
    public async Task Run_ValidThenInvalidState_KeepsTheLastGoodAndReportsTheRejection()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = Service();
        await service.StartAsync(ct);

        await _controller.States.Writer.WriteAsync(States.Valid(1), ct);
        await Eventually.True(() => _status.Applied?.Revision == 1, "revision 1 applied", Wait, ct);
        Assert.Equal(1, Cache.Load()!.Revision);

        await _controller.States.Writer.WriteAsync(States.Valid(2).With(s => s with { Gateway = s.Gateway with { ClientBlock = "192.168.43.0/99" } }), ct);
        await Eventually.True(() => _status.ApplyError is not null, "revision 2 rejected", Wait, ct);

        Assert.Contains("revision 2 rejected", _status.ApplyError, StringComparison.Ordinal);
        Assert.Contains("clientBlock", _status.ApplyError, StringComparison.Ordinal);
        Assert.Equal(1, _status.Applied!.Revision);
        Assert.Equal([1L], _reconciler.Applied.Select(s => s.Revision));
        Assert.Equal(1, Cache.Load()!.Revision);

        // The next good state clears the error.
        await _controller.States.Writer.WriteAsync(States.Valid(3), ct);
        await Eventually.True(() => _status.Applied?.Revision == 3 && _status.ApplyError is null, "revision 3 applied, error cleared", Wait, ct);
        await service.StopAsync(ct);
        Assert.False(_lifetime.Stopped);
    }

    [Fact]
    public async Task Run_LaterApplyFails_LastGoodReappliedAndErrorReported()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = Service();
        await service.StartAsync(ct);
        await _controller.States.Writer.WriteAsync(States.Valid(1), ct);
        await Eventually.True(() => _status.Applied?.Revision == 1, "revision 1 applied", Wait, ct);

        _reconciler.FailRevision = 2;
        await _controller.States.Writer.WriteAsync(States.Valid(2, new UserDocument("carol", "dev", true)), ct);
        await Eventually.True(() => _status.ApplyError is not null, "revision 2 failed", Wait, ct);

        Assert.Contains("revision 2 failed to apply: recording: refused on purpose", _status.ApplyError, StringComparison.Ordinal);
        Assert.Equal(1, _status.Applied!.Revision);
        Assert.Equal([1L, 1L], _reconciler.Applied.Select(s => s.Revision));
        Assert.Equal(1, Cache.Load()!.Revision);
        await service.StopAsync(ct);
        Assert.False(_lifetime.Stopped);
    }

    [Fact]
    public async Task Run_FirstApplyFails_StopsTheProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        var exitCode = Environment.ExitCode;
        try
        {
            _reconciler.FailRevision = 1;
            using var service = Service();
            await service.StartAsync(ct);
            await _controller.States.Writer.WriteAsync(States.Valid(1), ct);

            await Eventually.True(() => _lifetime.Stopped, "the host asked to stop", Wait, ct);
            Assert.Equal(1, Environment.ExitCode);
            Assert.Null(_status.Applied);
            Assert.Null(Cache.Load());
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task Run_FirstStateInvalid_StopsTheProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        var exitCode = Environment.ExitCode;
        try
        {
            using var service = Service();
            await service.StartAsync(ct);
            await _controller.States.Writer.WriteAsync(States.Valid(1).With(s => s with { Profiles = [new ProfileDocument("dev", "deny-all", ["allow banana"])] }), ct);

            await Eventually.True(() => _lifetime.Stopped, "the host asked to stop", Wait, ct);
            Assert.Empty(_reconciler.Applied);
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task Run_ControllerUnreachableWithACache_ServesTheCachedState()
    {
        var ct = TestContext.Current.CancellationToken;
        Cache.Save(States.Valid(4));
        await _controller.DisposeAsync();

        using var service = Service();
        await service.StartAsync(ct);

        await Eventually.True(() => _status.Applied?.Revision == 4, "the cached revision 4 applied", Wait, ct);
        Assert.Equal([4L], _reconciler.Applied.Select(s => s.Revision));
        await service.StopAsync(ct);
        Assert.False(_lifetime.Stopped);
    }

    [Fact]
    public async Task Heartbeat_AfterApply_ReportsRevisionHashAndError()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = Service();
        var heartbeats = new HeartbeatService(_api, _status, [new FixedSessions(Alice, Bob), new FixedSessions(Alice with { SessionId = "", Address = "192.168.43.4" })], Options.Create(new GatewayOptions { HeartbeatSeconds = 1 }), TimeProvider.System, new RecordingLogger<HeartbeatService>(output));
        await service.StartAsync(ct);
        await heartbeats.StartAsync(ct);
        var state = States.Valid(9);
        await _controller.States.Writer.WriteAsync(state, ct);

        var beat = await Eventually.Get(() => _controller.Heartbeats.FirstOrDefault(h => h.AppliedRevision == 9), "a heartbeat with revision 9", Wait, ct);

        Assert.Equal((state.Hash, (string?)null, 3), (beat.AppliedHash, beat.ApplyError, beat.Sessions));
        Assert.Equal([Alice, Bob, Alice with { SessionId = "", Address = "192.168.43.4" }], beat.LiveSessions);
        await heartbeats.StopAsync(ct);
        await service.StopAsync(ct);
    }

    private static readonly LiveSession Alice = new(new string('a', 32), "alice", "192.168.43.2", "198.51.100.101", DateTimeOffset.UnixEpoch);
    // Counters past 4 GiB: longs on the wire, not ints.
    private static readonly LiveSession Bob = new(new string('b', 32), "bob", "192.168.43.3", null, DateTimeOffset.UnixEpoch, BytesFromClient: 1234, BytesToClient: 5_000_000_000);

    private sealed class RecordingReconciler : IDesiredStateReconciler
    {
        public ConcurrentQueue<ValidatedState> Applied { get; } = new();

        public long? FailRevision { get; set; }

        /// <summary>An apply of this revision waits for the task: a slow host.</summary>
        public (long Revision, Task Until)? Hold { get; set; }

        public string Name => "recording";

        public async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
        {
            if (state.Revision == FailRevision)
            {
                throw new InvalidOperationException("refused on purpose");
            }
            if (Hold is { } hold && hold.Revision == state.Revision)
            {
                await hold.Until.WaitAsync(cancellationToken);
            }
            Applied.Enqueue(state);
        }
    }

    private sealed class RecordingCutter : ISessionCutter
    {
        public ConcurrentQueue<long> Cut { get; } = new();

        public Task CutAsync(ValidatedState state, CancellationToken cancellationToken)
        {
            Cut.Enqueue(state.Revision);
            return Task.CompletedTask;
        }
    }

    private sealed class FixedSessions(params LiveSession[] sessions) : ILiveSessions
    {
        public Task<IReadOnlyList<LiveSession>> LiveAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LiveSession>>(sessions);
    }

    private sealed class StubLifetime : IHostApplicationLifetime
    {
        public bool Stopped { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped = true;
    }
}
