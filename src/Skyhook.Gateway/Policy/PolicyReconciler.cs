using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Policy.Compilation;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Sync;
using Skyhook.Gateway.Vpn;
using Skyhook.Linux;

namespace Skyhook.Gateway.Policy;

/// <summary>
/// Keeps the table <c>inet skyhook</c> on what the desired state (profiles, which user has which),
/// the live sessions and discovery (the containers' addresses) say, compiled by
/// <see cref="PolicyCompiler"/>. Three things change it, one at a time:
/// <list type="bullet">
/// <item>a desired state, the moment it arrives (<see cref="ISessionCutter"/>: it does not wait
/// behind the openvpn and overlay work of the state before it) and again in the apply loop: profiles
/// compiled again; an apply of a revision already applied is a resync, which replaces the whole
/// table, so a hand edit or a lost table converges;</item>
/// <item>a login or logout (<see cref="ISessionPolicy"/>): only the session maps change, and the
/// login is answered after the new binding is in force;</item>
/// <item>discovery: a container that starts, stops or moves changes only the sets.</item>
/// </list>
/// Each change is applied as one nft transaction. After every change but a login, and at every
/// resync, the connections the table no longer allows are cut (<see cref="ConntrackCutter"/>): the
/// table accepts established connections first, so without the cut they would carry on.
/// </summary>
public sealed partial class PolicyReconciler : IDesiredStateReconciler, ISessionCutter, ISessionPolicy, IHostedService, IDisposable
{
    private const string SessionsReason = "sessions";

    private readonly VpnSessions _sessions;
    private readonly IEndpointSource? _endpoints;
    private readonly NftablesRunner _nft;
    private readonly ConntrackCutter _conntrack;
    private readonly IReadOnlyList<string> _interfaces;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ValidatedState? _state;
    private long _appliedRevision = -1;
    private NftTable? _compiled;
    private long _compiledRevision = -1;
    private long _compiledEndpoints = -1;
    private NftTable? _applied;
    private HashSet<System.Net.IPAddress> _bound = [];
    private Task? _following;

    public PolicyReconciler(
        IOptions<OverlayOptions> options,
        VpnSessions sessions,
        ProcessRunner runner,
        ILoggerFactory loggers,
        IEndpointSource? endpoints = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(options);
        _sessions = sessions;
        _endpoints = endpoints;
        _nft = new NftablesRunner(runner, options.Value.HostNetworkNamespace);
        _conntrack = new ConntrackCutter(runner, loggers.CreateLogger<ConntrackCutter>(), options.Value.HostNetworkNamespace);
        _interfaces = options.Value.VpnInterfaces;
        _logger = loggers.CreateLogger<PolicyReconciler>();
    }

    public string Name => "policy";

    public async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // The same revision again is a resync: the whole table is written, whatever the host holds now.
            var resync = _appliedRevision == state.Revision;
            _state = state;
            await ConvergeAsync(resync ? "resync" : $"revision {state.Revision}", replace: resync, cancellationToken);
            _appliedRevision = state.Revision;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A new state's table, at once. Never throws: a failure is logged and the apply loop, which
    /// applies the same state right after, reports it.
    /// </summary>
    public async Task CutAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _state = state;
            await ConvergeAsync($"revision {state.Revision} (on arrival)", replace: false, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.EarlyApplyFailed(_logger, state.Revision, ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SessionsChangedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_state is not null)
            {
                await ConvergeAsync(SessionsReason, replace: false, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_endpoints is not null)
        {
            _following = _endpoints.FollowAsync(ContainersChangedAsync, _stopping.Token);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_following is { } following)
        {
            await following.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _gate.Dispose();
    }

    // Under the gate.
    private async Task ConvergeAsync(string reason, bool replace, CancellationToken cancellationToken)
    {
        var state = _state!;
        var endpoints = _endpoints?.Current ?? EndpointSnapshot.Empty;
        if (_compiled is null || _compiledRevision != state.Revision || _compiledEndpoints != endpoints.Version)
        {
            _compiled = PolicyCompiler.Compile(new PolicyCompilationInput([.. state.Profiles.Values], [], endpoints.Endpoints, _interfaces));
            _compiledRevision = state.Revision;
            _compiledEndpoints = endpoints.Version;
        }

        var bindings = Bindings(state);
        var next = PolicyCompiler.BindSessions(_compiled, bindings);
        // Only the elements that changed, unless the structure did (or this is a resync): then the whole table.
        var transaction = replace || _applied is null ? NftJson.Render(next) : NftJson.RenderChange(_applied, next);
        if (transaction is not null)
        {
            try
            {
                await _nft.ApplyAsync(transaction, cancellationToken);
            }
            catch
            {
                // What the kernel holds is no longer known: the next change writes the whole table.
                _applied = null;
                throw;
            }
            _applied = next;
            Log.Applied(_logger, reason, bindings.Count, transaction.Length);
        }

        // Logins alone take nothing away: they are answered without waiting for a conntrack pass.
        var bound = bindings.Select(b => b.ClientAddress).ToHashSet();
        var onlyAdded = reason == SessionsReason && _bound.IsSubsetOf(bound);
        _bound = bound;
        if (!onlyAdded)
        {
            var applied = new PolicyCompilationInput([.. state.Profiles.Values], bindings, endpoints.Endpoints, _interfaces);
            await _conntrack.CutAsync(ConntrackPolicy.From(applied, [state.ClientBlock], [state.ClientBlock.AddressAt(1)]), cancellationToken);
        }
    }

    /// <summary>
    /// Each session's address, bound to the profile the desired state gives its user now (so moving a
    /// user to another profile reaches live sessions). A disabled or unknown user, or one without a
    /// profile, is bound to nothing: the table drops their packets.
    /// </summary>
    private List<SessionBinding> Bindings(ValidatedState state)
    {
        var bindings = new List<SessionBinding>();
        foreach (var session in _sessions.Snapshot())
        {
            if (state.ProfileOf(session.UserName) is { } profile)
            {
                bindings.Add(new SessionBinding(session.Address, profile.Name));
            }
        }
        return bindings;
    }

    private async Task ContainersChangedAsync(EndpointSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_state is not null)
                {
                    await ConvergeAsync($"containers (discovery {snapshot.Version})", replace: false, cancellationToken);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception ex) when (ex is ProcessFailedException or ArgumentException or InvalidOperationException)
        {
            // The last table stays in force; the next change or resync tries again.
            Log.FollowFailed(_logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4650, Level = LogLevel.Information, Message = "Policy table applied for {Reason}: {Sessions} sessions bound, {Bytes} bytes of nft transaction")]
        public static partial void Applied(ILogger logger, string reason, int sessions, int bytes);

        [LoggerMessage(EventId = 4651, Level = LogLevel.Warning, Message = "Following the containers into the policy table failed (the last table stays in force): {Error}")]
        public static partial void FollowFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 4652, Level = LogLevel.Warning, Message = "The policy table of revision {Revision} could not be applied on arrival (the apply loop tries again): {Error}")]
        public static partial void EarlyApplyFailed(ILogger logger, long revision, string error);
    }
}
