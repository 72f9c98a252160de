using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Retries;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// Keeps the gateway on the controller's desired state: starts from the cached copy when there is
/// one, then long-polls <c>GET /api/v1/gateway/config?after=REV</c>. Each new document is validated
/// whole, its ended sessions cut at once (<see cref="ISessionCutter"/>, even while an earlier state
/// is still being applied), then handed to every reconciler, then cached. As in YARP's ProxyConfigManager, a failed
/// first apply stops the process (nothing sane is in force), and a failed later apply keeps the last
/// good state, re-applies it, and is reported in the heartbeat. An unreachable controller changes
/// nothing: the gateway keeps serving the state it has and retries with backoff.
/// </summary>
public sealed partial class SyncService(
    ControllerApi api,
    DesiredStateCache cache,
    SyncStatus status,
    IEnumerable<IDesiredStateReconciler> reconcilers,
    IEnumerable<ISessionCutter> cutters,
    IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SyncService> logger) : BackgroundService
{
    private readonly IDesiredStateReconciler[] _reconcilers = reconcilers.ToArray();
    private readonly ISessionCutter[] _cutters = cutters.ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.Stopping(logger, ex.Message, ex);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        long? seen = null;

        DesiredState? cached = null;
        try
        {
            cached = cache.Load();
        }
        catch (InvalidDataException ex)
        {
            Log.CacheUnreadable(logger, ex.Message);
        }
        if (cached is not null)
        {
            var state = DesiredStateValidator.Validate(cached, out var errors)
                ?? throw new InvalidOperationException($"the cached desired state {cache.Path} is not valid: {string.Join("; ", errors)}");
            await ApplyFirstAsync(state, "the cache", cancellationToken);
            seen = state.Revision;
        }

        // The long poll runs on its own, so that a new state is seen (and the sessions it ends are
        // cut) while a slower apply of the one before is still at work on the host.
        var states = Channel.CreateBounded<ValidatedState>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poller = PollAsync(seen, accepted: cached is not null, states.Writer, stop.Token);
        try
        {
            await ApplyLoopAsync(states.Reader, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await poller;
        }
    }

    /// <summary>Applies each new state as it comes (only the newest, when several came during an apply), and the current one again every resync interval.</summary>
    private async Task ApplyLoopAsync(ChannelReader<ValidatedState> states, CancellationToken cancellationToken)
    {
        var resync = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        var lastApply = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            ValidatedState? validated = null;
            using (var interval = new CancellationTokenSource(Max(resync - (time.GetUtcNow() - lastApply), TimeSpan.Zero), time))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interval.Token))
            {
                try
                {
                    validated = await states.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The resync interval passed without a new state.
                }
                catch (ChannelClosedException closed) when (closed.InnerException is { } stopped)
                {
                    // The poller hit what must stop the gateway (an invalid first state).
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(stopped);
                }
            }
            var applied = status.Applied;
            if (validated is null)
            {
                lastApply = time.GetUtcNow();
                if (applied is not null)
                {
                    await ResyncAsync(applied, cancellationToken);
                }
                continue;
            }
            lastApply = time.GetUtcNow();
            if (applied is null)
            {
                await ApplyFirstAsync(validated, "the controller", cancellationToken);
                continue;
            }
            try
            {
                await ApplyAsync(validated, cancellationToken);
                Log.Applied(logger, validated.Revision, validated.Hash, "the controller");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ApplyFailed(logger, validated.Revision, ex.Message, applied.Revision, ex);
                status.Failed($"revision {validated.Revision} failed to apply: {ex.Message}");
                try
                {
                    await ApplyAsync(applied, cancellationToken, save: false);
                }
                catch (Exception again) when (again is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.RestoreFailed(logger, applied.Revision, again.Message, again);
                }
                status.Failed($"revision {validated.Revision} failed to apply: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// Long-polls for new states, validates each whole, cuts at once the sessions it no longer
    /// allows, and hands it to the apply loop. An invalid first state (nothing in force yet) ends
    /// the writer with the error, which stops the gateway.
    /// </summary>
    private async Task PollAsync(long? seen, bool accepted, ChannelWriter<ValidatedState> states, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(options.Value.MaxRetrySeconds));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                DesiredState? next;
                try
                {
                    next = await api.GetConfigAsync(seen, TimeSpan.FromSeconds(options.Value.LongPollSeconds), cancellationToken);
                    backoff.Reset();
                }
                catch (ControllerApiException ex)
                {
                    var delay = backoff.Next();
                    Log.PollFailed(logger, ex.Message, status.Applied?.Revision, delay.TotalSeconds);
                    await Task.Delay(delay, time, cancellationToken);
                    continue;
                }
                if (next is null)
                {
                    continue;
                }
                // Polling after the newest revision seen, even a rejected one, waits for the next change
                // instead of fetching the same bad document again at once.
                seen = next.Revision;
                if (status.Applied is { } applied && applied.Revision == next.Revision && applied.Hash == next.Hash)
                {
                    continue;
                }

                var validated = DesiredStateValidator.Validate(next, out var problems);
                if (validated is null)
                {
                    var error = $"revision {next.Revision} rejected: {string.Join("; ", problems)}";
                    if (!accepted)
                    {
                        throw new InvalidOperationException("the first desired state is not valid: " + error);
                    }
                    Log.Rejected(logger, next.Revision, string.Join("; ", problems), status.Applied?.Revision ?? 0);
                    status.Failed(error);
                    continue;
                }
                accepted = true;
                if (status.Applied is not null)
                {
                    // At once and side by side: openvpn's cuts and the policy table do not wait for each other.
                    await Task.WhenAll(_cutters.Select(cutter => cutter.CutAsync(validated, cancellationToken)));
                }
                await states.WriteAsync(validated, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            states.TryComplete();
        }
        catch (Exception ex)
        {
            states.TryComplete(ex);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // The same state again: whatever drifted on the host converges. A failure is logged; the state stays in force.
    private async Task ResyncAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        foreach (var reconciler in _reconcilers)
        {
            try
            {
                await reconciler.ApplyAsync(state, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ResyncFailed(logger, reconciler.Name, state.Revision, ex.Message);
            }
        }
    }

    private async Task ApplyFirstAsync(ValidatedState state, string source, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(state, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the first desired state (revision {state.Revision}, from {source}) failed to apply: {ex.Message}", ex);
        }
        Log.Applied(logger, state.Revision, state.Hash, source);
    }

    private async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken, bool save = true)
    {
        foreach (var reconciler in _reconcilers)
        {
            try
            {
                await reconciler.ApplyAsync(state, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"{reconciler.Name}: {ex.Message}", ex);
            }
        }
        if (save)
        {
            cache.Save(state.Document);
        }
        status.Succeeded(state);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Applied desired state revision {Revision} ({Hash}) from {Source}")]
        public static partial void Applied(ILogger logger, long revision, string hash, string source);

        [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Desired state revision {Revision} rejected, keeping revision {Kept}: {Problems}")]
        public static partial void Rejected(ILogger logger, long revision, string problems, long kept);

        [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Desired state revision {Revision} failed to apply, keeping revision {Kept}: {Error}")]
        public static partial void ApplyFailed(ILogger logger, long revision, string error, long kept, Exception exception);

        [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "Re-applying the last good revision {Revision} failed too: {Error}")]
        public static partial void RestoreFailed(ILogger logger, long revision, string error, Exception exception);

        [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Cannot get the desired state ({Error}); serving revision {Revision}; retrying in {Seconds:0.0} s")]
        public static partial void PollFailed(ILogger logger, string error, long? revision, double seconds);

        [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "Ignoring the cached desired state: {Error}")]
        public static partial void CacheUnreadable(ILogger logger, string error);

        [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "Re-applying revision {Revision} in {Reconciler} failed: {Error}")]
        public static partial void ResyncFailed(ILogger logger, string reconciler, long revision, string error);

        [LoggerMessage(EventId = 4016, Level = LogLevel.Critical, Message = "Stopping the gateway: {Error}")]
        public static partial void Stopping(ILogger logger, string error, Exception exception);
    }
}
