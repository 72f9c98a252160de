namespace Skyhook.Controller.Gateways;

/// <summary>Whether a group's gateways run the same desired state, for the console's overview.</summary>
/// <param name="DesiredHash">The hash of the group's current desired state.</param>
/// <param name="AppliedRevisions">The distinct revisions the group's gateways reported applying, ascending.</param>
/// <param name="Drifting">The gateways whose applied hash differs from <paramref name="DesiredHash"/>: behind, or failed to apply.</param>
/// <param name="Drift">
/// True when the gateways applied different desired states, or any differs from the current one.
/// Revisions alone may differ without drift (a change to another group moves the revision, not this
/// group's hash), so the hashes decide.
/// </param>
public sealed record GroupDrift(string Group, string? DesiredHash, IReadOnlyList<long> AppliedRevisions, IReadOnlyList<string> Drifting, bool Drift);
