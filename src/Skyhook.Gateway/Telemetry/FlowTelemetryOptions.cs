using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Telemetry;

/// <summary>
/// Flow and web telemetry (section "Telemetry:Flows"): allowed connections from conntrack events,
/// denied ones and web requests from the policy table's nflog groups. See the README, "Flows and
/// web requests".
/// </summary>
public sealed class FlowTelemetryOptions
{
    public const string SectionName = "Telemetry:Flows";

    /// <summary>
    /// Default true. Off, or Telemetry:Enabled off: no flow or web events, and no sysctl set, conntrack
    /// started or nflog group bound (the table still logs; nobody reads it, the kernel discards it).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Open connections remembered between conntrack's NEW and DESTROY. Default 262,144 (about 100
    /// MB at worst). Beyond it a new connection is not remembered: its flow is still published at its
    /// end, with the end as its start and the container and rule as they are then.
    /// </summary>
    [Range(1024, 4_194_304)]
    public int MaxOpenFlows { get; set; } = 262_144;

    /// <summary>
    /// Seconds conntrack keeps a closed TCP connection's entry (TIME_WAIT and CLOSE) in the gateway's
    /// namespace. Default 1 (the kernel's are 120 and 10): conntrack reports a connection's end, with
    /// its counters, only when the entry goes, so this (plus up to <see cref="ReapMilliseconds"/>, which
    /// makes it go) is the delay from a close to its flow event.
    /// The setting is the namespace's, so in the host's it applies to every connection the host
    /// tracks: the endpoints keep their own TIME_WAIT, and a late packet after it is tracked (and
    /// judged) again as new. 0 leaves the kernel's values; flows then arrive up to two minutes late.
    /// (A per-connection <c>ct timeout</c> object did not take effect in the forward hook here.)
    /// </summary>
    [Range(0, 120)]
    public int ClosedConnectionSeconds { get; set; } = 1;

    /// <summary>
    /// How often expired conntrack entries are removed (<see cref="ConntrackReaper"/>), milliseconds.
    /// Default 250: a closed connection's flow comes within this of <see cref="ClosedConnectionSeconds"/>;
    /// the kernel's own collector may take up to a minute. 0: leave it to the kernel.
    /// </summary>
    [Range(0, 60_000)]
    public int ReapMilliseconds { get; set; } = 250;

    /// <summary>
    /// Repeated denied packets of one (client, destination, protocol, port) within this many seconds
    /// are one denied flow (retransmitted SYNs, a retrying client), published when the window ends.
    /// Default 5.
    /// </summary>
    [Range(1, 60)]
    public int DeniedWindowSeconds { get; set; } = 5;

    /// <summary>Distinct denied flows held in their windows at once; beyond, packets are counted as lost and logged. Default 65,536.</summary>
    [Range(1024, 1_048_576)]
    public int MaxDeniedFlows { get; set; } = 65_536;

    /// <summary>Connections whose first bytes are being read for a web event at once. Default 16,384; beyond, new ones are not read.</summary>
    [Range(256, 1_048_576)]
    public int MaxWebConnections { get; set; } = 16_384;

    /// <summary>Receive buffer of conntrack's event socket (<c>conntrack -E -b</c>), bytes. Default 16 MiB.</summary>
    [Range(1 << 20, 1 << 30)]
    public int ConntrackBufferBytes { get; set; } = 16 << 20;
}
