using Microsoft.Extensions.Logging;
using Skyhook.Gateway.Overlay;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Host;

/// <summary>
/// Hands the desired state's overlays to the <see cref="OverlayReconciler"/>. The state itself was
/// validated whole (subnets, names) before it gets here, so what fails now is the host: Docker away,
/// a swarm manager unreachable, one overlay that will not attach. That is reported in the heartbeat
/// and retried on the next apply or resync, not thrown: rolling the VPN back, or stopping the
/// gateway, because dockerd restarts would cut every user off for nothing.
/// </summary>
public sealed partial class OverlayStep(OverlayReconciler overlay, SyncStatus status, ILogger<OverlayStep> logger) : IDesiredStateReconciler
{
    public string Name => "overlay";

    public async Task ApplyAsync(ValidatedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        string? problem;
        try
        {
            var report = await overlay.ApplyAsync(state.Document.Group.Overlays, cancellationToken);
            problem = report.Succeeded ? null : string.Join("; ", report.Failures.Select(f => $"{f.Name}: {f.Error}"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            problem = Describe(ex);
        }
        if (problem is not null)
        {
            Log.NotConverged(logger, state.Revision, problem);
        }
        status.SetProblem(Name, problem);
    }

    // Docker.DotNet says "Connection failed"; the reason (no such socket, refused) is further in.
    private static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? ex = exception; ex is not null && messages.Count < 4; ex = ex.InnerException)
        {
            if (!messages.Contains(ex.Message))
            {
                messages.Add(ex.Message);
            }
        }
        return string.Join(": ", messages);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4030, Level = LogLevel.Warning, Message = "Overlays of revision {Revision} not fully attached (retried on the next resync): {Problem}")]
        public static partial void NotConverged(ILogger logger, long revision, string problem);
    }
}
