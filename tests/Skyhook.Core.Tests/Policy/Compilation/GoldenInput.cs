using System.Net;
using System.Text.Json;
using Skyhook.Core.Policy;
using Skyhook.Core.Policy.Compilation;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>
/// The input half of a golden case, as people write it: profiles with rules in their text form,
/// sessions as address to profile name, endpoints with their facts.
/// </summary>
internal sealed record GoldenInput(
    IReadOnlyList<string> VpnInterfaces,
    IReadOnlyList<GoldenProfile> Profiles,
    IReadOnlyDictionary<string, string> Sessions,
    IReadOnlyList<GoldenEndpoint> Endpoints)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static GoldenInput Read(string path) =>
        JsonSerializer.Deserialize<GoldenInput>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} is empty.");

    public PolicyCompilationInput ToCompilerInput() => new(
        Profiles.Select(p => new AccessProfile(p.Name, PolicyText.ParseBasePolicy(p.Base), p.Rules.Select(AccessRule.Parse).ToArray())).ToArray(),
        Sessions.Select(s => new SessionBinding(IPAddress.Parse(s.Key), s.Value)).ToArray(),
        Endpoints.Select(e => new DiscoveredEndpoint(e.Addresses.Select(IPAddress.Parse).ToArray(), e.ToFacts())).ToArray(),
        VpnInterfaces);
}
