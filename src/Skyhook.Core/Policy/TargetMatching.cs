using System.Net;

namespace Skyhook.Core.Policy;

/// <summary>
/// Whether a rule's target covers an address: the one definition that both the evaluator (one
/// packet) and the policy compiler (every discovered endpoint) use, so that the access check and the
/// data path cannot drift apart.
/// </summary>
internal static class TargetMatching
{
    /// <summary>True when <paramref name="target"/> covers <paramref name="address"/>, whose container
    /// facts are <paramref name="endpoint"/> (null when no known container has that address).</summary>
    public static bool Matches(RuleTarget target, IPAddress address, EndpointFacts? endpoint) => target switch
    {
        CidrTarget cidr => cidr.Range.Contains(address),
        _ => endpoint is not null && MatchesEndpoint(target, endpoint),
    };

    /// <summary>
    /// True when a name, service, label or network target covers the container described by
    /// <paramref name="endpoint"/>; always false for a cidr target, which is about addresses only.
    /// </summary>
    public static bool MatchesEndpoint(RuleTarget target, EndpointFacts endpoint) => target switch
    {
        CidrTarget => false,
        ContainerTarget container => endpoint.Container == container.Name,
        ServiceTarget service => endpoint.Service == service.Name,
        LabelTarget label => endpoint.Labels.TryGetValue(label.Key, out var value) && value == label.Value,
        NetworkTarget network => endpoint.Networks.Contains(network.Name, StringComparer.Ordinal),
        _ => throw new ArgumentException($"Unknown target kind {target.GetType().Name}.", nameof(target)),
    };
}
