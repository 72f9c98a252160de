using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Discovery;
using Skyhook.Gateway.Host;
using Skyhook.Gateway.Telemetry;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// Tells the controller every few seconds what this gateway enforces (applied revision and hash, the
/// last apply error) and the sessions it carries with their byte counters (read from the VPN daemon
/// now, once per heartbeat), so the console shows drift, liveness and traffic. The containers
/// discovery sees go along when they changed since the last heartbeat that got through, and every
/// <see cref="ContainersRefresh"/> anyway (a restarted controller keeps them in memory only).
/// The telemetry spool's backlog (events not yet acknowledged, events dropped and not yet reported)
/// goes along too, so the console can show a gateway whose events do not arrive.
/// A failed heartbeat is logged once per outage, not once per try.
/// </summary>
public sealed partial class HeartbeatService(
    ControllerApi api,
    SyncStatus status,
    IEnumerable<ILiveSessions> sessions,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<HeartbeatService> logger,
    IEndpointSource? containers = null,
    EventSpool? spool = null) : BackgroundService
{
    public static readonly TimeSpan ContainersRefresh = TimeSpan.FromSeconds(60);

    private static readonly string? Version = typeof(HeartbeatService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v
        ? (v.Length > 64 ? v[..64] : v)
        : null;

    private readonly ILiveSessions[] _sessions = sessions.ToArray();
    private long _containersSent = -1;
    private DateTimeOffset _containersSentAt;

    /// <param name="withContainers">Whether to list the discovered containers (null leaves them out).</param>
    public async Task<Heartbeat> CurrentAsync(CancellationToken cancellationToken, EndpointSnapshot? withContainers = null)
    {
        var live = new List<LiveSession>();
        foreach (var source in _sessions)
        {
            live.AddRange(await source.LiveAsync(cancellationToken));
        }
        var applied = status.Applied;
        return new Heartbeat(applied?.Revision ?? 0, applied?.Hash ?? "", status.ApplyError, live.Count, Version, live, withContainers is null ? null : Report(withContainers),
            spool?.PendingEvents ?? 0, spool?.Dropped ?? 0);
    }

    /// <summary>The snapshot as the contract carries it.</summary>
    public static IReadOnlyList<ContainerReport> Report(EndpointSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Endpoints
            .Select(e => new ContainerReport(
                e.Addresses.Select(a => a.ToString()).ToList(), e.Facts.Container, e.Facts.Service, e.Facts.Labels, e.Facts.Networks))
            .ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var snapshot = containers?.Current;
                var due = snapshot is not null && (snapshot.Version != _containersSent || time.GetUtcNow() - _containersSentAt >= ContainersRefresh);
                await api.SendHeartbeatAsync(await CurrentAsync(stoppingToken, due ? snapshot : null), stoppingToken);
                if (due)
                {
                    _containersSent = snapshot!.Version;
                    _containersSentAt = time.GetUtcNow();
                }
                if (failing)
                {
                    Log.Recovered(logger);
                }
                failing = false;
            }
            catch (ControllerApiException ex)
            {
                if (!failing)
                {
                    Log.Failed(logger, ex.Message);
                }
                failing = true;
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Heartbeat failed: {Error}; retrying quietly until it works again")]
        public static partial void Failed(ILogger logger, string error);

        [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Heartbeats reach the controller again")]
        public static partial void Recovered(ILogger logger);
    }
}
