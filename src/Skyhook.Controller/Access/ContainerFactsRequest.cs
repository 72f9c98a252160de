namespace Skyhook.Controller.Access;

/// <summary>What is known about the container at the destination, as discovery would report it.</summary>
public sealed record ContainerFactsRequest(
    string? Name,
    string? Service,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyList<string>? Networks);
