using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Core.Retries;
using Skyhook.Gateway.Overlay;
using Skyhook.Linux;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Runs the flow and web sources in the gateway's network namespace (where openvpn's tunnel and the
/// <c>inet skyhook</c> table are), each restarted with backoff when it fails, so a namespace the
/// gateway creates later, a conntrack that exits or a group another reader held are all picked up:
/// <list type="bullet">
/// <item>a supervised <c>conntrack -E</c> child (after turning on conntrack accounting and
/// timestamps there, and shortening closed TCP connections' timeouts:
/// <see cref="FlowTelemetryOptions.ClosedConnectionSeconds"/>) feeding <see cref="FlowRecorder"/>: allowed flows;</item>
/// <item>a reader of nflog group <see cref="NftLogGroups.Denied"/> feeding <see cref="DeniedFlows"/>;</item>
/// <item>a reader of nflog group <see cref="NftLogGroups.Web"/> feeding <see cref="WebSniffer"/>;</item>
/// <item>once a second: denied attempts whose window ended are published, old web state forgotten,
/// and what was lost (netlink overflows, full tables) logged with its count.</item>
/// </list>
/// </summary>
public sealed partial class FlowTelemetry : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly FlowTelemetryOptions _options;
    private readonly string? _namespace;
    private readonly bool _discarding;
    private readonly ProcessRunner _runner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, long> _reportedLosses = [];
    private Task _running = Task.CompletedTask;
    private long _conntrackOverflows;
    private long _nflogOverflows;
    private int _groupsBound;

    public FlowTelemetry(
        IOptions<FlowTelemetryOptions> options,
        IOptions<OverlayOptions> overlay,
        FlowContext context,
        IEventSink sink,
        ProcessRunner runner,
        TimeProvider time,
        ILogger<FlowTelemetry> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(overlay);
        _options = options.Value;
        _namespace = overlay.Value.HostNetworkNamespace;
        _discarding = sink is DiscardingEventSink;
        _runner = runner;
        _time = time;
        _logger = logger;
        Flows = new FlowRecorder(context, sink, time, _options.MaxOpenFlows);
        Denied = new DeniedFlows(context, sink, time, TimeSpan.FromSeconds(_options.DeniedWindowSeconds), _options.MaxDeniedFlows);
        Web = new WebSniffer(context, sink, time, _options.MaxWebConnections);
    }

    public FlowRecorder Flows { get; }

    public DeniedFlows Denied { get; }

    public WebSniffer Web { get; }

    /// <summary>conntrack's "We have hit ENOBUFS! We are losing events" so far.</summary>
    public long ConntrackOverflows => Interlocked.Read(ref _conntrackOverflows);

    /// <summary>Receives that failed with ENOBUFS on the nflog sockets (logged packets the kernel dropped).</summary>
    public long NflogOverflows => Interlocked.Read(ref _nflogOverflows);

    /// <summary>True once the conntrack child is running.</summary>
    public bool ConntrackRunning { get; private set; }

    /// <summary>The nflog groups bound now.</summary>
    public int GroupsBound => _groupsBound;

    /// <summary>
    /// Starts the sources when Telemetry:Flows:Enabled, unless the sink discards every event
    /// (Telemetry:Enabled false): then no sysctl is set, no conntrack started and no group bound.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled && !_discarding)
        {
            var stop = _stopping.Token;
            _running = Task.WhenAll(
                Task.Run(() => SuperviseAsync("conntrack", RunConntrackAsync, stop), CancellationToken.None),
                Task.Run(() => SuperviseAsync("nflog denied", ct => ReadGroupAsync(NftLogGroups.Denied, NftLogGroups.DeniedSnapLength, (_, packet, at) => Denied.Add(packet, at), ct), stop), CancellationToken.None),
                Task.Run(() => SuperviseAsync("nflog web", ct => ReadGroupAsync(NftLogGroups.Web, NftLogGroups.WebSnapLength, (_, packet, at) => Web.Add(packet, at), ct), stop), CancellationToken.None),
                Task.Run(() => TickAsync(stop), CancellationToken.None),
                _options.ReapMilliseconds > 0 ? Task.Run(() => SuperviseAsync("conntrack reaper", ReapAsync, stop), CancellationToken.None) : Task.CompletedTask);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken);
        Denied.Flush(all: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="run"/> again and again until stopped, waiting after each end a
    /// <see cref="Backoff"/> from 1 s doubling to 30 s (with jitter), from 1 s again after a run that lasted longer than that.
    /// </summary>
    private async Task SuperviseAsync(string what, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(FirstRetry, LastRetry);
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = _time.GetUtcNow();
            string reason;
            try
            {
                await run(cancellationToken);
                reason = "it ended";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever ended it (a namespace not there yet, a group held, a bug), the source starts again.
                reason = ex.Message;
            }

            // A source that ran for a while starts over at the short delay.
            if (_time.GetUtcNow() - started > LastRetry)
            {
                backoff.Reset();
            }

            var retry = backoff.Next();
            Log.SourceEnded(_logger, what, reason, Math.Round(retry.TotalSeconds, 1));
            try
            {
                await Task.Delay(retry, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunConntrackAsync(CancellationToken cancellationToken)
    {
        // Byte and packet counters on DESTROY (and ct packets for the web log rule), and the entry's age.
        // A closed connection's entry goes after ClosedConnectionSeconds, and with it the DESTROY the flow waits for.
        string[] settings = _options.ClosedConnectionSeconds == 0
            ? ["net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1"]
            :
            [
                "net.netfilter.nf_conntrack_acct=1",
                "net.netfilter.nf_conntrack_timestamp=1",
                string.Create(CultureInfo.InvariantCulture, $"net.netfilter.nf_conntrack_tcp_timeout_time_wait={_options.ClosedConnectionSeconds}"),
                string.Create(CultureInfo.InvariantCulture, $"net.netfilter.nf_conntrack_tcp_timeout_close={_options.ClosedConnectionSeconds}"),
            ];
        var sysctl = await _runner.RunAsync(
            new ProcessSpec("sysctl", ["-q", "-w", .. settings]) { CheckExitCode = false, Timeout = TimeSpan.FromSeconds(10) }
                .InNetworkNamespace(_namespace),
            cancellationToken);
        if (!sysctl.Succeeded)
        {
            throw new IOException("cannot turn on conntrack accounting: " + sysctl.StandardError.Trim());
        }

        var spec = new ProcessSpec(
            "conntrack",
            ["-E", "-e", "NEW,DESTROY", "-o", "extended,id,timestamp", "-b", _options.ConntrackBufferBytes.ToString(CultureInfo.InvariantCulture)])
            .InNetworkNamespace(_namespace);
        // The connections the last child saw open may never see their DESTROY now.
        Flows.Forget();
        ConntrackRunning = true;
        try
        {
            var exit = await _runner.StreamAsync(spec, OnConntrackLine, OnConntrackError, cancellationToken);
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"conntrack -E exited with {exit}"));
        }
        finally
        {
            ConntrackRunning = false;
        }
    }

    private void OnConntrackLine(string line)
    {
        // Called on the process's output reader: an exception here would end the gateway.
        try
        {
            if (ConntrackEventParser.Parse(line) is { } conntrackEvent)
            {
                Flows.Handle(conntrackEvent);
            }
        }
        catch (Exception ex)
        {
            Log.NotHandled(_logger, "a conntrack event", ex.Message);
        }
    }

    private void OnConntrackError(string line)
    {
        // conntrack-tools: "WARNING: We have hit ENOBUFS! We are losing events." (it goes on reading).
        if (line.Contains("ENOBUFS", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _conntrackOverflows);
        }
        else if (!line.StartsWith("NOTICE", StringComparison.Ordinal) && !line.StartsWith("This message", StringComparison.Ordinal) && !line.StartsWith("Please, check", StringComparison.Ordinal))
        {
            Log.ConntrackSaid(_logger, line.Length > 300 ? line[..300] : line);
        }
    }

    private async Task ReadGroupAsync(int group, int copyRange, NflogPacketHandler handle, CancellationToken cancellationToken)
    {
        using var socket = NflogSocket.Open(_namespace, group, copyRange);
        Interlocked.Increment(ref _groupsBound);
        Log.GroupBound(_logger, group, _namespace ?? "(own)");
        try
        {
            var buffer = new byte[NflogSocket.ReceiveSize];
            while (true)
            {
                int received;
                try
                {
                    received = await socket.ReceiveAsync(buffer, cancellationToken);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
                {
                    Interlocked.Increment(ref _nflogOverflows);
                    continue;
                }

                try
                {
                    NflogMessages.ReadPackets(buffer.AsSpan(0, received), handle);
                }
                catch (Exception ex)
                {
                    // One packet that cannot be handled does not close the group.
                    Log.NotHandled(_logger, "an nflog packet", ex.Message);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _groupsBound);
        }
    }

    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        using var reaper = ConntrackReaper.Open(_namespace);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.ReapMilliseconds), _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await reaper.ReapAsync(cancellationToken);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Denied.Flush();
                Web.Sweep();
                ReportLoss("conntrack events lost to netlink overflow (ENOBUFS)", ConntrackOverflows);
                ReportLoss("nflog receives that found packets dropped (ENOBUFS)", NflogOverflows);
                ReportLoss("connections not remembered at NEW (Telemetry:Flows:MaxOpenFlows)", Flows.Unremembered);
                ReportLoss("denied packets not counted (Telemetry:Flows:MaxDeniedFlows)", Denied.Lost);
                ReportLoss("connections not read for web requests (Telemetry:Flows:MaxWebConnections)", Web.Unread);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Logs a loss counter when it grew since it was last logged: at most once a second each, never silent.</summary>
    private void ReportLoss(string what, long total)
    {
        var before = _reportedLosses.GetValueOrDefault(what);
        if (total > before)
        {
            _reportedLosses[what] = total;
            Log.Lost(_logger, what, total - before, total);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4850, Level = LogLevel.Warning, Message = "Flow telemetry source {Source} stopped: {Reason}; starting it again in {Seconds} s")]
        public static partial void SourceEnded(ILogger logger, string source, string reason, double seconds);

        [LoggerMessage(EventId = 4851, Level = LogLevel.Information, Message = "Reading nflog group {Group} in network namespace {Namespace}")]
        public static partial void GroupBound(ILogger logger, int group, string @namespace);

        [LoggerMessage(EventId = 4852, Level = LogLevel.Warning, Message = "Flow telemetry lost data: {What}: {Count} more, {Total} in all")]
        public static partial void Lost(ILogger logger, string what, long count, long total);

        [LoggerMessage(EventId = 4853, Level = LogLevel.Information, Message = "conntrack: {Line}")]
        public static partial void ConntrackSaid(ILogger logger, string line);

        [LoggerMessage(EventId = 4854, Level = LogLevel.Error, Message = "Flow telemetry could not handle {What}: {Reason}")]
        public static partial void NotHandled(ILogger logger, string what, string reason);
    }
}
