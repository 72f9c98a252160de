namespace Skyhook.Gateway.Overlay;

/// <summary>What the host shows for one overlay, found by looking (for the heartbeat).</summary>
/// <param name="Name">The overlay network's name.</param>
/// <param name="Enabled">Whether the desired state wants it attached.</param>
/// <param name="AnchorId">The anchor container's id, or null when there is none.</param>
/// <param name="AnchorAddress">The anchor's address on the overlay, or null.</param>
/// <param name="HostInterface">The host end of the veth when it exists, else null.</param>
/// <param name="LinkAddress">The host end's link-local address with its prefix length, or null.</param>
/// <param name="RoutePresent">The overlay subnet is routed over the veth on the host.</param>
/// <param name="RulesPresent">Every DOCKER-USER accept for this overlay is in place.</param>
/// <param name="MasqueradePresent">The anchor's nftables table masquerades to the overlay.</param>
/// <param name="Error">Why the last apply could not attach it; null when it did (or did not have to).</param>
public sealed record OverlayStatus(
    string Name,
    bool Enabled,
    string? AnchorId,
    string? AnchorAddress,
    string? HostInterface,
    string? LinkAddress,
    bool RoutePresent,
    bool RulesPresent,
    bool MasqueradePresent,
    string? Error)
{
    /// <summary>Attached and carrying traffic as far as the host can tell.</summary>
    public bool Attached => AnchorId is not null && AnchorAddress is not null && HostInterface is not null
        && RoutePresent && RulesPresent && MasqueradePresent;
}

/// <summary>The outcome of one apply: the status of every overlay desired or found on the host.</summary>
public sealed record OverlayReport(IReadOnlyList<OverlayStatus> Overlays, bool SwarmJoinedBySkyhook)
{
    public IEnumerable<OverlayStatus> Failures => Overlays.Where(o => o.Error is not null);

    public bool Succeeded => !Failures.Any();

    public OverlayStatus? Find(string name) => Overlays.FirstOrDefault(o => o.Name == name);
}
