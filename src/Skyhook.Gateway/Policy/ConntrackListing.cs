namespace Skyhook.Gateway.Policy;

/// <summary>
/// What <see cref="ConntrackParser"/> made of conntrack's output: the entries, and how many lines it
/// skipped (malformed, oversized, or past <see cref="ConntrackParser.MaxEntries"/>) with the first
/// of them, shortened and with control characters replaced, for one log line.
/// </summary>
public sealed record ConntrackListing(IReadOnlyList<ConntrackEntry> Entries, int Skipped, string? FirstSkipped);
