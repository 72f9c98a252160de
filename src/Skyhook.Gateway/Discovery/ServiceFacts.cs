namespace Skyhook.Gateway.Discovery;

/// <summary>A swarm service's name and its own labels (the ones on the service, not on its containers).</summary>
public sealed record ServiceFacts(string Name, IReadOnlyDictionary<string, string> Labels);
