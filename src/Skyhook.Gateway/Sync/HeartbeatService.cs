using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// Tells the controller every few seconds what this gateway enforces (applied revision and hash, the
/// last apply error) and the sessions it carries with their byte counters (read from the VPN daemon
/// now, once per heartbeat), so the console shows drift, liveness and traffic.
/// A failed heartbeat is logged once per outage, not once per try.
/// </summary>
public sealed partial class HeartbeatService(
    ControllerApi api,
    SyncStatus status,
    IEnumerable<ILiveSessions> sessions,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<HeartbeatService> logger) : BackgroundService
{
    private static readonly string? Version = typeof(HeartbeatService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v
        ? (v.Length > 64 ? v[..64] : v)
        : null;

    private readonly ILiveSessions[] _sessions = sessions.ToArray();

    public async Task<Heartbeat> CurrentAsync(CancellationToken cancellationToken)
    {
        var live = new List<LiveSession>();
        foreach (var source in _sessions)
        {
            live.AddRange(await source.LiveAsync(cancellationToken));
        }
        var applied = status.Applied;
        return new Heartbeat(applied?.Revision ?? 0, applied?.Hash ?? "", status.ApplyError, live.Count, Version, live);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await api.SendHeartbeatAsync(await CurrentAsync(stoppingToken), stoppingToken);
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
