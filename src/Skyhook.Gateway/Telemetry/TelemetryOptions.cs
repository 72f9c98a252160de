using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// The gateway's telemetry (section "Telemetry"): sessions, flows, DNS queries and web requests,
/// spooled to disk under the data directory (<c>spool/</c>) and shipped to the controller in batches.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Default true. Off: events are discarded at once, nothing is spooled or shipped, and the
    /// controller shows no sessions, flows, lookups or web requests of this gateway in its event log.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The most disk space the spool may take, in MiB. Default 512 (a controller outage of hours at a
    /// busy gateway). When it is full, new events are dropped (counted, logged as an error and
    /// reported to the controller), never the ones already spooled.
    /// </summary>
    [Range(1, 1_048_576)]
    public int SpoolLimitMegabytes { get; set; } = 512;

    /// <summary>
    /// How long the shipper waits after a new event for more to join its batch, in milliseconds.
    /// Default 150: a connection's end is in the controller within well under 2 s, in few requests.
    /// </summary>
    [Range(0, 10_000)]
    public int BatchDelayMilliseconds { get; set; } = 150;
}
