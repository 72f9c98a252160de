using Skyhook.Core.Policy;

namespace Skyhook.Core.Tests.Policy.Compilation;

internal sealed record GoldenEndpoint(
    IReadOnlyList<string> Addresses,
    string? Container,
    string? Service,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyList<string>? Networks)
{
    public EndpointFacts ToFacts() => new(Container, Service, Labels ?? new Dictionary<string, string>(), Networks ?? []);
}
