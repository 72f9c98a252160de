using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.GatewayApi;

/// <summary>Gateway enrolment, desired-state long polls and status (section <c>Gateways</c>).</summary>
public sealed class GatewayApiOptions
{
    public const string Section = "Gateways";

    /// <summary>
    /// How long a join token from <c>POST /api/v1/groups/{group}/gateways</c> stays valid. Default
    /// 24 hours. Security: a shorter life shrinks the window in which a leaked token enrols a rogue gateway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan JoinTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long <c>GET /api/v1/gateway/config</c> waits for a newer revision before 304. Default 25 s (below common proxy idle timeouts).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LongPollTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often the revision counter is read to notice changes made through another replica. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RevisionPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A gateway without a heartbeat for this long is shown offline. Default 90 s.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromSeconds(90);
}
