using System.ComponentModel.DataAnnotations;

namespace Skyhook.Gateway.Discovery;

/// <summary>Where and how often the gateway looks for containers (configuration section "Discovery").</summary>
public sealed class DiscoveryOptions
{
    public const string SectionName = "Discovery";

    /// <summary>
    /// The Docker engines to watch: <c>unix:///PATH</c> sockets or <c>tcp://HOST:PORT</c> addresses.
    /// Default: none, which the gateway turns into its own engine (Gateway:DockerSocket). An engine
    /// shows its own containers; a swarm manager also shows every service's tasks, cluster-wide.
    /// Standalone containers on other hosts are seen only when their engine is listed, and a task on
    /// a host whose engine is not listed changes without any event the gateway can see (it is picked up
    /// by the next re-list, <see cref="ResyncSeconds"/>): list every host that runs workloads.
    /// Security: whoever reaches an engine's API is root on its host, and tcp:// is plain HTTP
    /// without TLS; the gateway only reads, but a listening tcp:// engine must be reachable by nobody
    /// else (a private network or an SSH tunnel to a local socket).
    /// </summary>
    public List<string> DockerEndpoints { get; set; } = [];

    /// <summary>
    /// Milliseconds to wait after an event before re-reading that engine, so that one change (a
    /// container's kill, die, disconnect and destroy) is one read. Default 75.
    /// </summary>
    [Range(0, 5000)]
    public int DebounceMilliseconds { get; set; } = 75;

    /// <summary>Seconds between full re-reads of every engine even without events (the safety net). Default 30.</summary>
    [Range(1, 3600)]
    public int ResyncSeconds { get; set; } = 30;

    /// <summary>Seconds one read of an engine may take before it counts as failed. Default 10.</summary>
    [Range(1, 600)]
    public int ReadTimeoutSeconds { get; set; } = 10;

    /// <summary>Longest wait between retries of an unreachable engine or a dropped event stream (backoff with jitter). Default 30 s.</summary>
    [Range(1, 3600)]
    public int MaxRetrySeconds { get; set; } = 30;
}
