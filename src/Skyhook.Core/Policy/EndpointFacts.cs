namespace Skyhook.Core.Policy;

/// <summary>
/// What discovery knows about the container at an address: its name (without Docker's leading
/// slash), the swarm service it is a task of, its labels and the names of the networks it is on.
/// </summary>
public sealed record EndpointFacts(
    string? Container,
    string? Service,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Networks);
