namespace Skyhook.Gateway.Policy;

/// <summary>
/// What one <see cref="ConntrackCutter.CutAsync"/> pass did, for a log line or a heartbeat.
/// </summary>
/// <param name="Listed">Entries of VPN clients (opened from a client pool address) that conntrack listed and the parser read.</param>
/// <param name="Denied">Of those, no longer allowed (or of an ended session): the ones to cut.</param>
/// <param name="Cut">Entries conntrack reports deleted. It may differ from <paramref name="Denied"/>:
/// a listed connection can end by itself before the delete, and one opened since with the same
/// client, destination, protocol and port goes too.</param>
/// <param name="Failed">Denied entries left in place because conntrack failed (see <paramref name="Problem"/>).</param>
/// <param name="Skipped">Lines of conntrack's output that were not entries (malformed or oversized).</param>
/// <param name="Deletions">Delete filters sent (one per client, destination, protocol and port; one per ended session).</param>
/// <param name="Elapsed">The whole pass, listing, judging and deleting.</param>
/// <param name="Problem">Why the listing or the deletion failed; null when both ran.</param>
public sealed record ConntrackCutReport(
    int Listed,
    int Denied,
    int Cut,
    int Failed,
    int Skipped,
    int Deletions,
    TimeSpan Elapsed,
    string? Problem);
