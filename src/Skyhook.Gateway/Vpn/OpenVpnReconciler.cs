using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Retries;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Telemetry;
using Skyhook.Gateway.Vpn.OpenVpn;

namespace Skyhook.Gateway.Vpn;

/// <summary>
/// Runs this gateway's OpenVPN server from the desired state: renders the config (group transport
/// and port, this gateway's client block, the enrolment's key and certificates), runs openvpn as a
/// supervised child (restarted when it exits, restarted when the config changes), and drives its
/// management socket. A new state that disables a
/// user, or no longer has them, or ends a session, cuts those sessions at once. Logins are <see cref="VpnLogins"/>'.
/// For the heartbeat it lists the sessions with the byte counters of a <c>status</c> read just then.
/// </summary>
public sealed partial class OpenVpnReconciler : IDesiredStateReconciler, ISessionCutter, ILiveSessions, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    // Shorter than a heartbeat interval: a stuck openvpn must not make the gateway look offline.
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan HaltGrace = TimeSpan.FromMilliseconds(200);

    private readonly GatewayOptions _options;
    private readonly GatewayFiles _files;
    private readonly VpnSessions _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly VpnLogins _logins;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile ValidatedState? _state;
    private LeaseTable? _leases;
    private OpenVpnChild? _child;
    private OpenVpnManagementClient? _management;
    private string? _configText;
    // Bumped by every apply that restarts openvpn: a supervisor of an older run stands down.
    private int _generation;

    public OpenVpnReconciler(IOptions<GatewayOptions> options, GatewayFiles files, ControllerApi api, VpnSessions sessions, TimeProvider time, ILoggerFactory loggers, ISessionPolicy? policy = null, IVpnNameserver? nameserver = null, IEventSink? events = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options.Value;
        _files = files;
        _sessions = sessions;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<OpenVpnReconciler>();
        var authTimeout = TimeSpan.FromSeconds(_options.AuthTimeoutSeconds);
        _logins = new VpnLogins((request, ct) => api.AuthorizeAsync(request, authTimeout, ct), sessions, time, loggers.CreateLogger<VpnLogins>(), policy, nameserver, events);
    }

    public string Name => "openvpn";

    public string ConfigPath => Path.Combine(_files.OpenVpnDirectory, "server.conf");

    /// <summary>The openvpn child's pid, or null when none runs.</summary>
    public int? ChildId => _child is { Exited.IsCompleted: false } child ? child.Id : null;

    public OpenVpnServerSettings Settings(ValidatedState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new OpenVpnServerSettings
        {
            DeviceName = _options.VpnInterface,
            Transport = state.Transport,
            Port = state.Document.Group.Port,
            LocalAddress = _options.VpnListenAddress is not { Length: > 0 } local ? null
                : IPAddress.TryParse(local, out var address) ? address
                : throw new InvalidOperationException($"Gateway:VpnListenAddress '{local}' is not an IP address"),
            ClientBlock = state.ClientBlock,
            CaCertificatePath = _files.CaCertificate,
            CertificatePath = _files.Certificate,
            PrivateKeyPath = _files.PrivateKey,
            ManagementSocketPath = _options.ManagementSocket,
            StatusFilePath = Path.Combine(_files.OpenVpnDirectory, "status.txt"),
            RenegotiationInterval = TimeSpan.FromSeconds(_options.RenegotiationSeconds),
        };
    }

    public async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var text = OpenVpnServerConfig.Render(Settings(state));
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _state = state;
            var running = _child is { Exited.IsCompleted: false } && _management is { Completion.IsCompleted: false };
            if (text != _configText || !running)
            {
                Log.Reconfiguring(_logger, state.Revision, running ? "the configuration changed" : "openvpn is not running");
                await StopChildAsync("openvpn restarted by the gateway: " + (running ? "new configuration" : "it was not running"));
                Directory.CreateDirectory(_files.OpenVpnDirectory, GatewayFiles.PrivateDirectory);
                Directory.CreateDirectory(Path.GetDirectoryName(_options.ManagementSocket)!, GatewayFiles.PrivateDirectory);
                GatewayFiles.WriteAtomically(ConfigPath, text, GatewayFiles.Secret);
                _configText = text;
                _generation++;
                await StartChildAsync(state, cancellationToken);
            }
            else
            {
                await CutRevokedAsync(state, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Not under the gate: a cut must not wait for an apply (an openvpn restart) in progress; a session that restart ends needs no cut.</summary>
    public Task CutAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return CutRevokedAsync(state, cancellationToken);
    }

    /// <summary>
    /// The sessions with fresh counters. Not under the gate, like a cut: an apply in progress must not
    /// hold up the heartbeat. When openvpn does not answer in time the last counters are reported.
    /// </summary>
    public async Task<IReadOnlyList<Core.Contracts.LiveSession>> LiveAsync(CancellationToken cancellationToken)
    {
        if (_management is { } management && _sessions.Count > 0)
        {
            using var timeout = new CancellationTokenSource(StatusTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var reply = await management.SendAsync(ManagementCommands.Status(), linked.Token);
                if (reply is { Success: true, Lines: { } lines })
                {
                    _sessions.UpdateTraffic(OpenVpnStatus.ClientTraffic(lines, _logger));
                }
                else
                {
                    Log.StatusFailed(_logger, reply.Message);
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Log.StatusFailed(_logger, $"no reply within {StatusTimeout.TotalSeconds} s");
            }
            catch (Exception ex) when (ex is ManagementConnectionException or TimeoutException or ObjectDisposedException)
            {
                Log.StatusFailed(_logger, ex.Message);
            }
        }
        return _sessions.Live();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await StopChildAsync("the gateway stopped");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }
        _stopping.Dispose();
        _gate.Dispose();
    }

    // Under the gate.
    private async Task StartChildAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        File.Delete(_options.ManagementSocket);
        var child = OpenVpnChild.Start(_options.OpenVpnPath, ConfigPath, Path.Combine(_files.OpenVpnDirectory, "openvpn.pid"), _options.NetworkNamespace, _loggers.CreateLogger<OpenVpnChild>());
        _child = child;
        var leases = new LeaseTable(state.ClientBlock);
        _leases = leases;
        _sessions.Clear();

        var deadline = _time.GetUtcNow() + StartTimeout;
        while (true)
        {
            if (child.Exited.IsCompleted)
            {
                throw new InvalidOperationException($"openvpn exited with code {child.ExitCode} right after starting (its output is in the gateway log)");
            }
            try
            {
                _management = await OpenVpnManagementClient.ConnectAsync(_options.ManagementSocket, _loggers.CreateLogger<OpenVpnManagementClient>(), null, _time, cancellationToken);
                break;
            }
            catch (ManagementConnectionException) when (_time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
            }
            catch (ManagementConnectionException ex)
            {
                await StopChildAsync("openvpn did not start");
                throw new InvalidOperationException($"openvpn did not open its management socket within {StartTimeout.TotalSeconds} s: {ex.Message}", ex);
            }
        }
        _ = _logins.RunAsync(_management, leases, _stopping.Token);
        // Only now, with logins answered, does openvpn take connections (management-hold).
        await _management.SendAsync(ManagementCommands.HoldRelease(), cancellationToken);
        _ = SuperviseAsync(child, _generation);
    }

    // Under the gate. The sessions it ends are told as disconnects for this reason.
    private async Task StopChildAsync(string reason)
    {
        if (_management is { } management)
        {
            _management = null;
            await management.DisposeAsync();
        }
        if (_child is { } child)
        {
            _child = null;
            await child.DisposeAsync();
        }
        _logins.EndAll(reason);
    }

    private async Task SuperviseAsync(OpenVpnChild child, int generation)
    {
        await child.Exited;
        if (child.StopRequested)
        {
            return;
        }
        Log.ChildExited(_logger, child.ExitCode);
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(_options.MaxRetrySeconds));
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(backoff.Next(), _time, _stopping.Token);
                await _gate.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (_generation != generation || _state is not { } state)
                {
                    return;
                }
                await StopChildAsync("openvpn exited");
                await StartChildAsync(state, _stopping.Token);
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException)
            {
                Log.RestartFailed(_logger, ex.Message);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// The sessions <paramref name="state"/> ends: its user is disabled or gone, or an admin ended it.
    /// A user missing from a state older than the session's admission is not gone: the controller
    /// admitted a user created after this state, and the next state brings it.
    /// </summary>
    public static List<VpnSession> Revoked(IEnumerable<VpnSession> sessions, ValidatedState state) =>
        sessions
            .Where(s => (!state.IsUserEnabled(s.UserName) && !(s.AdmittedAt > state.Revision)) || (s.SessionId is { } id && state.EndedSessions.Contains(id)))
            .ToList();

    private async Task CutRevokedAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        if (_management is not { } management)
        {
            return;
        }
        var revoked = Revoked(_sessions.Snapshot(), state);
        if (revoked.Count == 0)
        {
            return;
        }
        foreach (var session in revoked)
        {
            Log.Cutting(_logger, session.ClientId, session.UserName, state.Revision);
            session.EndReason = state.IsUserEnabled(session.UserName) ? "session ended by an admin" : "user disabled or removed";
            // HALT first: the client is told to stop instead of reconnecting into a refusal.
            await TryAsync(management, ManagementCommands.ClientHalt(session.ClientId), session.ClientId, cancellationToken);
        }
        // client-kill leaves the data channel up for openvpn's scheduled-exit-interval (5 s). Give
        // the HALT a moment to leave, then end the instances now: a disabled user's packets stop.
        await Task.Delay(HaltGrace, _time, cancellationToken);
        foreach (var session in revoked)
        {
            if (session.RealAddress is { } real && _sessions.Get(session.ClientId) is not null)
            {
                await TryAsync(management, ManagementCommands.KillAddress(real), session.ClientId, cancellationToken);
            }
        }
    }

    private async Task TryAsync(OpenVpnManagementClient management, ManagementCommand command, ulong clientId, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await management.SendAsync(command, cancellationToken);
            if (!reply.Success)
            {
                Log.CutFailed(_logger, clientId, reply.Message);
            }
        }
        catch (Exception ex) when (ex is ManagementConnectionException or TimeoutException or ObjectDisposedException)
        {
            Log.CutFailed(_logger, clientId, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4310, Level = LogLevel.Information, Message = "(Re)starting openvpn for revision {Revision}: {Reason}")]
        public static partial void Reconfiguring(ILogger logger, long revision, string reason);

        [LoggerMessage(EventId = 4311, Level = LogLevel.Warning, Message = "openvpn exited unexpectedly with {ExitCode}; restarting it")]
        public static partial void ChildExited(ILogger logger, int? exitCode);

        [LoggerMessage(EventId = 4312, Level = LogLevel.Error, Message = "Restarting openvpn failed: {Error}")]
        public static partial void RestartFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 4313, Level = LogLevel.Information, Message = "Cutting session {ClientId} of {UserName}: user disabled or removed, or session ended, in revision {Revision}")]
        public static partial void Cutting(ILogger logger, ulong clientId, string userName, long revision);

        [LoggerMessage(EventId = 4314, Level = LogLevel.Warning, Message = "Cutting session {ClientId} failed: {Error}")]
        public static partial void CutFailed(ILogger logger, ulong clientId, string error);

        [LoggerMessage(EventId = 4315, Level = LogLevel.Debug, Message = "Reading the sessions' byte counters (status) failed, the last ones are reported: {Error}")]
        public static partial void StatusFailed(ILogger logger, string error);
    }
}
